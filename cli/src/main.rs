fn main() -> std::process::ExitCode {
    let exit = podauth_cli::run(std::env::args_os().collect());
    std::process::ExitCode::from(exit as u8)
}

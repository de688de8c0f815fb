// mimalloc keeps the peak resident memory of large checks lower than the
// system allocator, whose per-thread arenas fragment under sharded evaluation.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // regorus builds an anyhow error each time a lookup takes its slow path,
    // and with RUST_BACKTRACE set every one captured a backtrace: about a fifth
    // of evaluation time. Panics keep their backtraces (RUST_BACKTRACE); only
    // library captures are turned off, unless the user asked for them.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    let exit = podauth_cli::run(std::env::args_os().collect());
    std::process::ExitCode::from(exit as u8)
}

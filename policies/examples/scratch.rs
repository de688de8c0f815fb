//! Evaluates one Rego query against the policy library, for debugging rules:
//! `cargo run -p podauth-policies --example scratch -- 'x := data.podauth.lib.k8s.pods' '<input json>'`
#![allow(clippy::print_stdout)]

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let query = args.next().ok_or("usage: scratch QUERY [INPUT_JSON]")?;
    let input = args.next().unwrap_or_else(|| "{}".into());
    let bundle = podauth_policies::Bundle::embedded();
    let mut engine = bundle.engine(podauth_policies::Purpose::Test)?;
    engine.set_input(regorus::Value::from_json_str(&input).map_err(|e| e.to_string())?);
    match engine.eval_query(query, false) {
        Ok(r) => println!("{}", serde_json::to_string(&r).map_err(|e| e.to_string())?),
        Err(err) => println!("ERR {err}"),
    }
    Ok(())
}

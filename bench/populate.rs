//! Fills a workspace with claims logged one event each, as that many `claim add`
//! commands would, in transactions of 10,000: the long audit logs the scale and
//! integrity benchmarks need (an import logs 1,000 claims per event, so it cannot
//! make a log of a million events).
//!
//! Usage: populate WORKSPACE_ROOT CLAIMS

use claimtrail::store::NewClaim;
use claimtrail::workspace::Workspace;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, root, n] = args.as_slice() else {
        eprintln!("usage: populate WORKSPACE_ROOT CLAIMS");
        std::process::exit(2);
    };
    let n: u64 = n.parse().expect("CLAIMS is a whole number");
    let mut ws = Workspace::open(Path::new(root)).expect("a claimtrail workspace");
    let tags = vec!["bench".to_string()];
    let mut logged = 0;
    while logged < n {
        let batch = (n - logged).min(10_000);
        ws.store
            .write("bench", |w| {
                for i in logged..logged + batch {
                    let text = format!(
                        "Synthetic benchmark claim {i}: the count is {}",
                        i * 7 % 1_000_003
                    );
                    w.add_claim(&NewClaim {
                        text: &text,
                        doc: None,
                        anchor: None,
                        tags: &tags,
                    })?;
                }
                Ok::<_, claimtrail::store::StoreError>(())
            })
            .expect("claims logged");
        logged += batch;
    }
}

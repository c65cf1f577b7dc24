//! CSV import on arbitrary bytes: the input is split into a klines file, an open-interest
//! file and (optionally) a funding file, written to a temporary directory and read by
//! `liqshot::fetch::import::import` (the CSV readers are private; this is their public entry point).
//! Errors are fine, panics are not; an imported snapshot must pass validation and reload.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liqshot::fetch::import::{import, ImportOptions};
use liqshot::MarketSnapshot;

/// Files are separated by this line in the input (the seed corpus uses it).
const SEP: &[u8] = b"\n====\n";

fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(SEP.len()).position(|w| w == SEP) {
        parts.push(&rest[..i]);
        rest = &rest[i + SEP.len()..];
    }
    parts.push(rest);
    parts
}

fuzz_target!(|data: &[u8]| {
    // First byte: options (interval given or inferred; funding file or not).
    let Some((&flags, data)) = data.split_first() else { return };
    let parts = split(data);
    let dir = tempfile::tempdir().expect("temp dir");
    let k = dir.path().join("k.csv");
    let oi = dir.path().join("oi.csv");
    let f = dir.path().join("f.csv");
    std::fs::write(&k, parts[0]).unwrap();
    // A single part is used as both the klines and the open-interest file.
    std::fs::write(&oi, parts.get(1).copied().unwrap_or(parts[0])).unwrap();
    let mut opts = ImportOptions::new(&k, &oi, "BTCUSDT");
    if let Some(fund) = parts.get(2) {
        if flags & 1 == 1 {
            std::fs::write(&f, fund).unwrap();
            opts.funding = Some(f.clone());
        }
    }
    if flags & 2 == 2 {
        opts.interval = Some(["5m", "1m", "1h", "1d"][(flags as usize >> 2) % 4].to_string());
    }
    if let Ok(snap) = import(&opts) {
        snap.validate().expect("an imported snapshot is valid");
        MarketSnapshot::from_json(&snap.to_json()).expect("an imported snapshot reloads");
    }
});

//! `MarketSnapshot::from_json` on arbitrary bytes: never a panic. A snapshot that loads must
//! survive a save/load round trip unchanged, and the estimate and zones must run on it
//! (errors are fine, panics are not).
#![no_main]

use libfuzzer_sys::fuzz_target;
use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::zones::ZoneParams;
use liqshot::MarketSnapshot;

fuzz_target!(|data: &[u8]| {
    let Ok(snap) = MarketSnapshot::from_json(data) else { return };
    let again = MarketSnapshot::from_json(&snap.to_json()).expect("a loaded snapshot reloads");
    assert_eq!(snap, again, "save/load round trip changed the snapshot");
    // A small grid keeps each run fast; the ledger still sees every candle.
    let params = EstimateParams { rows: 64, ..EstimateParams::default() };
    let _ = liqshot::engine::pipeline::analyse(&snap, &params, &ZoneParams::default());
});

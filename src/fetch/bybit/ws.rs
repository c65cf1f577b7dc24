//! Realized liquidations from the Bybit v5 public websocket (`wss://stream.bybit.com/v5/public/linear`),
//! topic `allLiquidation.<symbol>`: every liquidation of the symbol, pushed every 500 ms.
//!
//! Bybit's `S` is the side of the **position** liquidated (its docs: "When you receive a `Buy`
//! update, this means that a long position has been liquidated"), the opposite of Binance's
//! order side. Normalised like the OKX records: time `T`, side `Buy` → long, `Sell` → short,
//! price `p` (the bankruptcy price), USD `v` (executed size, coins) × `p`. Bybit closes a
//! connection that sends nothing for a while: the client sends `{"op":"ping"}` every 20 s.

use std::time::Duration;

use serde::Deserialize;

use crate::fetch::record::{Feed, Parsed};
use crate::fetch::{num, Venue};
use crate::model::snapshot::{Liquidation, Side};

/// The public linear (USDT perpetuals) stream.
pub const WS_URL: &str = "wss://stream.bybit.com/v5/public/linear";

/// How often the client pings (Bybit recommends every 20 s).
pub(crate) const PING_EVERY: Duration = Duration::from_secs(20);

/// One push of `allLiquidation.<symbol>`, as recorded from the live venue:
///
/// ```json
/// {"topic":"allLiquidation.PIPPINUSDT","type":"snapshot","ts":1740480207578,
///  "data":[{"T":1740480207110,"s":"PIPPINUSDT","S":"Sell","v":"2846","p":"0.02456"}]}
/// ```
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AllLiquidation {
    pub topic: String,
    #[serde(default)]
    pub data: Vec<LiquidationEntry>,
}

/// One entry of [`AllLiquidation`].
#[derive(Debug, Clone, Deserialize)]
pub struct LiquidationEntry {
    /// Update time, epoch ms.
    #[serde(rename = "T", default, deserialize_with = "num::opt_f64")]
    pub time: Option<f64>,
    /// Symbol, `BTCUSDT`.
    #[serde(default)]
    pub s: String,
    /// Position side: `Buy` = a long was liquidated, `Sell` = a short.
    #[serde(rename = "S", default)]
    pub side: String,
    /// Executed size (coins).
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub v: Option<f64>,
    /// Bankruptcy price.
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub p: Option<f64>,
}

/// A control answer: `{"success":true,"ret_msg":"subscribe","op":"subscribe","conn_id":"..."}`,
/// `{"success":true,"ret_msg":"pong","op":"ping",...}`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct OpAnswer {
    pub op: String,
    #[serde(default)]
    pub success: Option<bool>,
    #[serde(default)]
    pub ret_msg: String,
}

/// The liquidation of one entry, or why it cannot be read.
pub fn liquidation(e: &LiquidationEntry) -> Result<Liquidation, String> {
    let side = match e.side.trim() {
        "Buy" => Side::Long,
        "Sell" => Side::Short,
        other => return Err(format!("S {other:?} is neither Buy nor Sell")),
    };
    let price = e.p.filter(|p| p.is_finite() && *p > 0.0).ok_or("p is not a positive price")?;
    let size = e.v.filter(|v| v.is_finite() && *v > 0.0).ok_or("v is not a positive size")?;
    let time = crate::fetch::record::time_of_ms(e.time).ok_or("T is not epoch milliseconds")?;
    Ok(Liquidation { time, side, price, usd: size * price })
}

/// `allLiquidation.<instrument>` for some instruments.
#[derive(Debug, Clone)]
pub struct AllLiquidations {
    /// The stream's URL, e.g. [`WS_URL`].
    pub url: String,
    /// Instruments, `BTCUSDT`.
    pub instruments: Vec<String>,
}

impl Feed for AllLiquidations {
    fn venue(&self) -> Venue {
        Venue::Bybit
    }

    fn url(&self) -> String {
        self.url.clone()
    }

    fn subscribe(&self) -> Vec<String> {
        let args: Vec<String> = self.instruments.iter().map(|i| format!("allLiquidation.{i}")).collect();
        vec![serde_json::json!({"op": "subscribe", "args": args}).to_string()]
    }

    fn keepalive(&self) -> Option<(String, Duration)> {
        Some((r#"{"op":"ping"}"#.to_string(), PING_EVERY))
    }

    fn parse(&self, text: &str) -> Parsed {
        if let Ok(msg) = serde_json::from_str::<AllLiquidation>(text) {
            if !msg.topic.starts_with("allLiquidation.") {
                return Parsed::Unknown;
            }
            return Parsed::events(msg.data.iter().map(|e| liquidation(e).map(|l| (e.s.clone(), l))));
        }
        match serde_json::from_str::<OpAnswer>(text) {
            Ok(a) if a.success == Some(false) => Parsed::Refused(format!("{} failed: {}", a.op, a.ret_msg)),
            Ok(_) => Parsed::Control,
            Err(_) => Parsed::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REAL: &str = r#"{"topic":"allLiquidation.PIPPINUSDT","type":"snapshot","ts":1740480207578,"data":[{"T":1740480207110,"s":"PIPPINUSDT","S":"Sell","v":"2846","p":"0.02456"}]}"#;

    fn feed() -> AllLiquidations {
        AllLiquidations { url: WS_URL.into(), instruments: vec!["BTCUSDT".into(), "ETHUSDT".into()] }
    }

    #[test]
    fn a_recorded_sell_entry_is_a_liquidated_short() {
        let Parsed::Events { events, unreadable: 0 } = feed().parse(REAL) else { panic!() };
        let (inst, l) = &events[0];
        assert_eq!(inst, "PIPPINUSDT");
        assert_eq!((l.side, l.price, l.time.timestamp_millis()), (Side::Short, 0.02456, 1_740_480_207_110));
        assert!((l.usd - 2846.0 * 0.02456).abs() < 1e-9);
        let buy = REAL.replace(r#""S":"Sell""#, r#""S":"Buy""#);
        let Parsed::Events { events, .. } = feed().parse(&buy) else { panic!() };
        assert_eq!(events[0].1.side, Side::Long);
    }

    #[test]
    fn subscription_pings_and_answers() {
        assert_eq!(
            feed().subscribe(),
            [r#"{"args":["allLiquidation.BTCUSDT","allLiquidation.ETHUSDT"],"op":"subscribe"}"#]
        );
        assert_eq!(feed().parse(r#"{"success":true,"ret_msg":"pong","conn_id":"x","op":"ping"}"#), Parsed::Control);
        assert!(
            matches!(feed().parse(r#"{"success":false,"ret_msg":"error:handler not found","op":"subscribe"}"#), Parsed::Refused(m) if m.contains("handler not found"))
        );
        assert_eq!(feed().parse(r#"{"topic":"tickers.BTCUSDT","data":[]}"#), Parsed::Unknown);
        assert_eq!(feed().parse("[1,2]"), Parsed::Unknown);
    }
}

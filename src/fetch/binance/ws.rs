//! Realized liquidations from the Binance USD-M websocket: the `<symbol>@forceOrder` streams of
//! the combined endpoint `wss://fstream.binance.com/stream?streams=btcusdt@forceOrder/...`.
//!
//! Binance sends **at most one liquidation order per symbol per second** on this stream (the
//! latest of that second; none when there was none), so what it gives is a lower bound of what
//! was liquidated: every total made from it says so. The server pings every few minutes; the
//! websocket layer answers with a pong.
//!
//! Normalised like the OKX records: time `T` (trade time), the liquidated side from the order
//! side `S` (a `SELL` closes a long, a `BUY` a short), price `ap` (the average fill price; `p`,
//! the order price, when `ap` is zero or missing) and USD `z` (filled quantity, coins) × price.

use std::time::Duration;

use serde::Deserialize;

use crate::fetch::record::{Feed, Parsed};
use crate::fetch::{num, Venue};
use crate::model::snapshot::{Liquidation, Side};

/// The public market-stream server.
pub const WS_URL: &str = "wss://fstream.binance.com";

/// What every total of Binance's recorded liquidations carries.
pub const ONE_PER_SECOND: &str =
    "Binance's forceOrder stream sends at most one liquidation per symbol per second: a lower bound";

/// One message of the combined stream, as recorded from the live venue:
///
/// ```json
/// {"stream":"btcusdt@forceOrder","data":{"e":"forceOrder","E":1584059031426,"o":{"s":"BTCUSDT",
///  "S":"BUY","o":"LIMIT","f":"IOC","q":"0.014","p":"4793.91","ap":"4706.04","X":"FILLED",
///  "l":"0.015","z":"0.014","T":1584059031421}}}
/// ```
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Combined {
    pub stream: String,
    pub data: ForceOrderEvent,
}

/// The `data` of [`Combined`] (also what a raw `/ws/<symbol>@forceOrder` stream sends).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ForceOrderEvent {
    /// Event type, `forceOrder`.
    pub e: String,
    pub o: ForceOrder,
}

/// The liquidation order of a [`ForceOrderEvent`] (fields not listed are ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct ForceOrder {
    /// Symbol, `BTCUSDT`.
    pub s: String,
    /// Order side: `SELL` closes a long, `BUY` a short.
    #[serde(rename = "S")]
    pub side: String,
    /// Order price.
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub p: Option<f64>,
    /// Average fill price.
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub ap: Option<f64>,
    /// Filled accumulated quantity (coins).
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub z: Option<f64>,
    /// Trade time, epoch ms.
    #[serde(rename = "T", default, deserialize_with = "num::opt_f64")]
    pub time: Option<f64>,
}

/// `btcusdt@forceOrder`.
pub(crate) fn stream_name(instrument: &str) -> String {
    format!("{}@forceOrder", instrument.to_ascii_lowercase())
}

/// The liquidation of one order, or why it cannot be read.
pub fn liquidation(o: &ForceOrder) -> Result<Liquidation, String> {
    let side = match o.side.trim() {
        "SELL" => Side::Long,
        "BUY" => Side::Short,
        other => return Err(format!("S {other:?} is neither BUY nor SELL")),
    };
    let price =
        o.ap.filter(|p| p.is_finite() && *p > 0.0)
            .or(o.p.filter(|p| p.is_finite() && *p > 0.0))
            .ok_or("no positive ap or p")?;
    let qty = o.z.filter(|q| q.is_finite() && *q > 0.0).ok_or("z is not a positive quantity")?;
    let time = crate::fetch::record::time_of_ms(o.time).ok_or("T is not epoch milliseconds")?;
    Ok(Liquidation { time, side, price, usd: qty * price })
}

/// The forceOrder streams of some instruments on the combined endpoint.
#[derive(Debug, Clone)]
pub struct ForceOrders {
    /// The server, e.g. [`WS_URL`] (a path after it is replaced).
    pub base_url: String,
    /// Instruments, `BTCUSDT`.
    pub instruments: Vec<String>,
}

impl Feed for ForceOrders {
    fn venue(&self) -> Venue {
        Venue::Binance
    }

    fn url(&self) -> String {
        let streams: Vec<String> = self.instruments.iter().map(|i| stream_name(i)).collect();
        format!("{}/stream?streams={}", self.base_url.trim_end_matches('/'), streams.join("/"))
    }

    fn subscribe(&self) -> Vec<String> {
        Vec::new()
    }

    fn keepalive(&self) -> Option<(String, Duration)> {
        None
    }

    fn parse(&self, text: &str) -> Parsed {
        if let Ok(msg) = serde_json::from_str::<Combined>(text) {
            if msg.data.e != "forceOrder" || !msg.stream.ends_with("@forceOrder") {
                return Parsed::Unknown;
            }
            return Parsed::events([liquidation(&msg.data.o).map(|l| (msg.data.o.s.clone(), l))]);
        }
        // `{"result":null,"id":1}` answers a (un)subscribe request; `{"error":...}` refuses one.
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) if v.get("error").is_some() => Parsed::Refused(v["error"].to_string()),
            Ok(v) if v.get("id").is_some() && v.get("result").is_some() => Parsed::Control,
            _ => Parsed::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REAL: &str = r#"{"stream":"btcusdt@forceOrder","data":{"e":"forceOrder","E":1584059031426,"o":{"s":"BTCUSDT","S":"BUY","o":"LIMIT","f":"IOC","q":"0.014","p":"4793.91","ap":"4706.04","X":"FILLED","l":"0.015","z":"0.014","T":1584059031421}}}"#;

    #[test]
    fn a_recorded_buy_order_liquidated_a_short_at_its_average_price() {
        let feed = ForceOrders { base_url: WS_URL.into(), instruments: vec!["BTCUSDT".into()] };
        let Parsed::Events { events, unreadable: 0 } = feed.parse(REAL) else { panic!("{:?}", feed.parse(REAL)) };
        let (inst, l) = &events[0];
        assert_eq!(inst, "BTCUSDT");
        assert_eq!(l.side, Side::Short);
        assert_eq!(l.time.timestamp_millis(), 1_584_059_031_421);
        assert_eq!(l.price, 4706.04);
        assert!((l.usd - 0.014 * 4706.04).abs() < 1e-9);
        assert_eq!(feed.url(), "wss://fstream.binance.com/stream?streams=btcusdt@forceOrder");
    }

    #[test]
    fn sell_is_a_long_and_zero_average_falls_back_to_the_order_price() {
        let text = REAL.replace(r#""S":"BUY""#, r#""S":"SELL""#).replace(r#""ap":"4706.04""#, r#""ap":"0""#);
        let Parsed::Events { events, .. } = ForceOrders { base_url: WS_URL.into(), instruments: vec![] }.parse(&text)
        else {
            panic!()
        };
        assert_eq!((events[0].1.side, events[0].1.price), (Side::Long, 4793.91));
    }

    #[test]
    fn answers_refusals_and_other_messages() {
        let feed = ForceOrders { base_url: WS_URL.into(), instruments: vec![] };
        assert_eq!(feed.parse(r#"{"result":null,"id":1}"#), Parsed::Control);
        assert!(matches!(feed.parse(r#"{"error":{"code":2,"msg":"Invalid request"},"id":1}"#), Parsed::Refused(_)));
        assert_eq!(
            feed.parse(r#"{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","o":{"s":"X","S":"BUY"}}}"#),
            Parsed::Unknown
        );
        assert_eq!(feed.parse("hello"), Parsed::Unknown);
        let bad = REAL.replace(r#""z":"0.014""#, r#""z":"0""#);
        assert_eq!(feed.parse(&bad), Parsed::Events { events: vec![], unreadable: 1 });
    }
}

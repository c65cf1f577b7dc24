//! Realized liquidations from the OKX v5 public websocket (`wss://ws.okx.com:8443/ws/v5/public`),
//! channel `liquidation-orders` with `instType` `SWAP`: the liquidation orders of every swap
//! (those of the instruments asked for are kept, the others are control traffic).
//!
//! The details are the REST endpoint's ([`super::liquidations`]) and are normalised the same
//! way: time `ts`, the liquidated side from `posSide` (else the opposite of `side`), price
//! `bkPx`, USD `sz` contracts × `ctVal` × `bkPx`. `ctVal` comes from
//! `GET /api/v5/public/instruments?instType=SWAP` before connecting ([`contract_values`]). OKX
//! drops a connection silent for 30 s: the client sends `ping` every 25 s (the answer is `pong`).

use std::time::Duration;

use serde::Deserialize;

use super::liquidations::liquidation;
use super::wire::{Instrument, LiquidationOrders};
use super::{decode_error, parse_envelope, VENUE};
use crate::fetch::record::{Feed, Parsed};
use crate::fetch::{FetchError, Http, Venue};

/// The public stream.
pub const WS_URL: &str = "wss://ws.okx.com:8443/ws/v5/public";

/// How often the client pings (OKX closes a connection idle for 30 s).
pub(crate) const PING_EVERY: Duration = Duration::from_secs(25);

/// The channel.
pub(crate) const CHANNEL: &str = "liquidation-orders";

/// One push, as documented (the live venue sends the same without `id`):
///
/// ```json
/// {"id":"1512","arg":{"channel":"liquidation-orders","instType":"SWAP"},
///  "data":[{"details":[{"bkLoss":"0","bkPx":"0.007831","ccy":"","posSide":"short","side":"buy",
///  "sz":"13","ts":"1692266434010"}],"instFamily":"IOST-USDT","instId":"IOST-USDT-SWAP",
///  "instType":"SWAP","uly":"IOST-USDT"}]}
/// ```
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Push {
    pub arg: Arg,
    pub data: Vec<LiquidationOrders>,
}

/// The `arg` of a [`Push`] or of an event answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Arg {
    pub channel: String,
}

/// An event answer: `{"event":"subscribe","arg":{...},"connId":"..."}`,
/// `{"event":"error","code":"60012","msg":"Invalid request: ..."}`, `{"event":"notice",...}`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct EventAnswer {
    pub event: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub msg: String,
}

/// The contract values (`ctVal`, coins per contract) of the swaps `ids` from one
/// `public/instruments?instType=SWAP` request to `base_url`; an id OKX does not list is an error.
pub fn contract_values(http: &Http, base_url: &str, ids: &[String]) -> Result<Vec<(String, f64)>, FetchError> {
    const PATH: &str = "/api/v5/public/instruments";
    let url = format!("{}{PATH}", base_url.trim_end_matches('/'));
    let body = http.get(VENUE, &url, &[("instType", "SWAP".to_string())], decode_error)?;
    let list: Vec<Instrument> = parse_envelope(PATH, &body)?;
    ids.iter()
        .map(|id| {
            match list.iter().find(|i| &i.inst_id == id).and_then(|i| i.ct_val).filter(|v| v.is_finite() && *v > 0.0) {
                Some(v) => Ok((id.clone(), v)),
                None => Err(FetchError::new(format!("{VENUE}: no perpetual {id} with a contract value in {PATH}"))),
            }
        })
        .collect()
}

/// `liquidation-orders` of the swaps, with each one's contract value.
#[derive(Debug, Clone)]
pub struct LiquidationOrdersFeed {
    /// The stream's URL, e.g. [`WS_URL`].
    pub url: String,
    /// Instrument id (`BTC-USDT-SWAP`) and contract value.
    pub contracts: Vec<(String, f64)>,
}

impl Feed for LiquidationOrdersFeed {
    fn venue(&self) -> Venue {
        Venue::Okx
    }

    fn url(&self) -> String {
        self.url.clone()
    }

    fn subscribe(&self) -> Vec<String> {
        vec![serde_json::json!({"op": "subscribe", "args": [{"channel": CHANNEL, "instType": "SWAP"}]}).to_string()]
    }

    fn keepalive(&self) -> Option<(String, Duration)> {
        Some(("ping".to_string(), PING_EVERY))
    }

    fn parse(&self, text: &str) -> Parsed {
        if text == "pong" {
            return Parsed::Control;
        }
        if let Ok(push) = serde_json::from_str::<Push>(text) {
            if push.arg.channel != CHANNEL {
                return Parsed::Unknown;
            }
            let ours = push.data.iter().filter_map(|order| {
                let ct_val = self.contracts.iter().find(|(id, _)| *id == order.inst_id)?.1;
                Some(order.details.iter().map(move |d| liquidation(d, ct_val).map(|l| (order.inst_id.clone(), l))))
            });
            return match Parsed::events(ours.flatten()) {
                Parsed::Events { events, unreadable: 0 } if events.is_empty() => Parsed::Control,
                parsed => parsed,
            };
        }
        match serde_json::from_str::<EventAnswer>(text) {
            Ok(a) if a.event == "error" => Parsed::Refused(format!("{} (code {})", a.msg, a.code)),
            Ok(_) => Parsed::Control,
            Err(_) => Parsed::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::snapshot::Side;

    const DOCS: &str = r#"{"id":"1512","arg":{"channel":"liquidation-orders","instType":"SWAP"},"data":[{"details":[{"bkLoss":"0","bkPx":"0.007831","ccy":"","posSide":"short","side":"buy","sz":"13","ts":"1692266434010"}],"instFamily":"IOST-USDT","instId":"IOST-USDT-SWAP","instType":"SWAP","uly":"IOST-USDT"}]}"#;

    fn feed(id: &str) -> LiquidationOrdersFeed {
        LiquidationOrdersFeed { url: WS_URL.into(), contracts: vec![(id.into(), 1000.0)] }
    }

    #[test]
    fn a_documented_push_is_a_liquidated_short_in_contracts_times_ct_val() {
        let Parsed::Events { events, unreadable: 0 } = feed("IOST-USDT-SWAP").parse(DOCS) else { panic!() };
        let (id, l) = &events[0];
        assert_eq!(id, "IOST-USDT-SWAP");
        assert_eq!((l.side, l.price, l.time.timestamp_millis()), (Side::Short, 0.007831, 1_692_266_434_010));
        assert!((l.usd - 13.0 * 1000.0 * 0.007831).abs() < 1e-9);
    }

    #[test]
    fn other_swaps_answers_and_errors() {
        assert_eq!(feed("BTC-USDT-SWAP").parse(DOCS), Parsed::Control);
        assert_eq!(feed("BTC-USDT-SWAP").parse("pong"), Parsed::Control);
        assert_eq!(
            feed("X").parse(
                r#"{"event":"subscribe","arg":{"channel":"liquidation-orders","instType":"SWAP"},"connId":"a"}"#
            ),
            Parsed::Control
        );
        assert!(
            matches!(feed("X").parse(r#"{"event":"error","code":"60012","msg":"Invalid request"}"#), Parsed::Refused(m) if m.contains("60012"))
        );
        assert_eq!(feed("X").parse(r#"{"arg":{"channel":"tickers"},"data":[]}"#), Parsed::Unknown);
        assert_eq!(feed("X").parse("ping?"), Parsed::Unknown);
    }
}

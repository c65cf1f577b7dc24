//! `liqshot record`: realized liquidations from the venues' websocket streams (Binance USD-M
//! `<symbol>@forceOrder`, Bybit v5 `allLiquidation.<symbol>`, OKX `liquidation-orders`), kept
//! in the cache so that later `fetch`, `render`, `report` and `backtest` runs see them.
//!
//! Each venue's wire types and its normalisation to [`Liquidation`] (the side liquidated, the
//! price, USD) live in its folder (`fetch/binance/ws.rs`, `fetch/bybit/ws.rs`,
//! `fetch/okx/ws.rs`) behind the [`Feed`] trait; [`session`] runs one connection per venue
//! (connect, subscribe, read with a timeout, answer pings, reconnect with backoff, stop at the
//! deadline). Where the events go is the caller's (the command line appends them to the
//! cache's journal, [`crate::fetch::cache::journal`]).

pub mod session;

use std::time::Duration;

use crate::fetch::Venue;
use crate::model::snapshot::Liquidation;

/// What one text message of a stream was.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Liquidations of the subscribed instruments (instrument name, event) and how many entries
    /// of the message could not be read (a missing or non-positive price or size).
    Events { events: Vec<(String, Liquidation)>, unreadable: usize },
    /// A message of the protocol itself: a subscription answer, a pong, a liquidation of an
    /// instrument not asked for (OKX sends every swap's).
    Control,
    /// The venue refused something (a subscription): its words.
    Refused(String),
    /// Anything else: ignored and counted.
    Unknown,
}

impl Parsed {
    /// The events of a message's entries, each read on its own (`Err`: an entry that cannot be
    /// read, counted).
    pub fn events<E>(entries: impl IntoIterator<Item = Result<(String, Liquidation), E>>) -> Parsed {
        let (mut events, mut unreadable) = (Vec::new(), 0);
        for entry in entries {
            match entry {
                Ok(e) => events.push(e),
                Err(_) => unreadable += 1,
            }
        }
        Parsed::Events { events, unreadable }
    }
}

/// One venue's stream: where to connect, what to send, how to read it.
pub trait Feed: Send + Sync {
    fn venue(&self) -> Venue;
    /// The whole URL to connect to (`wss://...`).
    fn url(&self) -> String;
    /// Text frames sent once connected (the subscription), none when the URL subscribes.
    fn subscribe(&self) -> Vec<String>;
    /// A text frame the venue wants at least this often to keep the connection (Bybit's
    /// `{"op":"ping"}`, OKX's `ping`); `None` when the server pings (Binance).
    fn keepalive(&self) -> Option<(String, Duration)>;
    /// Reads one text message.
    fn parse(&self, text: &str) -> Parsed;
}

/// A time sent as epoch milliseconds (a whole, non-negative number below year 285,000).
pub(crate) fn time_of_ms(ms: Option<f64>) -> Option<chrono::DateTime<chrono::Utc>> {
    ms.filter(|t| t.is_finite() && t.fract() == 0.0 && *t >= 0.0 && *t < 9e15)
        .and_then(|t| chrono::DateTime::from_timestamp_millis(t as i64))
}

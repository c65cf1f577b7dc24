//! Raw JSON of the Bybit v5 market REST API (`https://api.bybit.com`, `category=linear`).
//!
//! Every answer is wrapped in an envelope whose `retCode` is non-zero on errors (with HTTP 200).
//! Lenient about representation (numbers as strings or numbers, extra fields and columns),
//! strict about meaning (see the conversions in the parent module).

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;

use crate::fetch::num;

/// The head of every answer, read first so an error is reported before `result` is parsed:
///
/// ```json
/// {"retCode":10001,"retMsg":"params error: symbol invalid","result":{},"retExtInfo":{},"time":1672051897447}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Head {
    pub ret_code: i64,
    #[serde(default)]
    pub ret_msg: String,
}

/// A successful answer (`retCode` 0) with its `result`:
///
/// ```json
/// {"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[]},"retExtInfo":{},"time":1672025956592}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Envelope<T> {
    pub result: T,
}

/// The `result` of list endpoints (kline, open-interest, funding/history, tickers,
/// instruments-info, risk-limit):
///
/// ```json
/// {"category":"linear","symbol":"BTCUSDT","list":[...],"nextPageCursor":""}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResult<T> {
    pub list: Vec<T>,
}

/// A number sent as a string or a number.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub(crate) struct Num(#[serde(deserialize_with = "num::f64")] pub f64);

/// Epoch milliseconds sent as a string or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) struct Ms(#[serde(deserialize_with = "num::i64_ms")] pub i64);

/// One row of `GET /v5/market/kline` (newest first; columns after the sixth are ignored):
///
/// ```json
/// ["1670608800000", "17071", "17073", "17027", "17055.5", "268611", "15.74462667"]
/// ```
///
/// Columns: start time, open, high, low, close, volume (base coin for linear), turnover.
/// There is no taker-buy split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct KlineRow {
    pub start: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
}

impl<'de> Deserialize<'de> for KlineRow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KlineRow;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a kline row of at least 6 columns")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KlineRow, A::Error> {
                let missing = |i: usize| de::Error::invalid_length(i, &"at least 6 columns");
                let start = seq.next_element::<Ms>()?.ok_or_else(|| missing(0))?.0;
                let mut cols = [0.0; 5];
                for (i, c) in cols.iter_mut().enumerate() {
                    *c = seq.next_element::<Num>()?.ok_or_else(|| missing(i + 1))?.0;
                }
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                let [open, high, low, close, volume] = cols;
                Ok(KlineRow { start, open, high, low, close, volume })
            }
        }
        d.deserialize_seq(V)
    }
}

/// One element of `GET /v5/market/open-interest` (newest first; base coins for linear):
///
/// ```json
/// {"openInterest":"64992.05400000","timestamp":"1786820400000"}
/// ```
///
/// `openInterest` is one side in base coins (each contract counted once), like Binance's
/// `sumOpenInterest` and OKX's `oi`: real answers of the same hour put BTCUSDT at 64,992 BTC
/// on Bybit, 111,688 on Binance and 33,843 on OKX (`tests/fixtures/fetch/real-2026-08/`), and
/// Bybit's tickers give `openInterestValue = openInterest × markPrice`. Some documentation
/// examples also carry `singleOpenInterest` (one side as well); it is used when present.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenInterest {
    #[serde(deserialize_with = "num::i64_ms")]
    pub timestamp: i64,
    #[serde(deserialize_with = "num::f64")]
    pub open_interest: f64,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub single_open_interest: Option<f64>,
}

/// One element of `GET /v5/market/funding/history` (newest first):
///
/// ```json
/// {"symbol":"ETHPERP","fundingRate":"0.0001","fundingRateTimestamp":"1672041600000"}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Funding {
    #[serde(deserialize_with = "num::i64_ms")]
    pub funding_rate_timestamp: i64,
    #[serde(deserialize_with = "num::f64")]
    pub funding_rate: f64,
}

/// One element of `GET /v5/market/tickers` (only the fields used):
///
/// ```json
/// {"symbol":"BTCUSD","lastPrice":"120635.50","indexPrice":"114890.92","markPrice":"114898.43",
///  "openInterest":"240113967","fundingRate":"0.0001","nextFundingTime":"1760371200000"}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Ticker {
    pub symbol: String,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub mark_price: Option<f64>,
}

/// One element of `GET /v5/market/instruments-info` (only the fields used):
///
/// ```json
/// {"symbol":"BTCUSDT","contractType":"LinearPerpetual","status":"Trading","baseCoin":"BTC",
///  "quoteCoin":"USDT","priceFilter":{"minPrice":"0.10","maxPrice":"199999.80","tickSize":"0.10"}}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Instrument {
    pub symbol: String,
    #[serde(default)]
    pub contract_type: String,
    #[serde(default)]
    pub base_coin: String,
    #[serde(default)]
    pub quote_coin: String,
    #[serde(default)]
    pub price_filter: Option<PriceFilter>,
}

/// `priceFilter` of an [`Instrument`]:
///
/// ```json
/// {"minPrice":"0.10","maxPrice":"199999.80","tickSize":"0.10"}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceFilter {
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub tick_size: Option<f64>,
}

/// One element of `GET /v5/market/risk-limit` (one tier):
///
/// ```json
/// {"id":1,"symbol":"BTCUSD","riskLimitValue":"150","maintenanceMargin":"0.5","initialMargin":"1",
///  "isLowestRisk":1,"maxLeverage":"100.00","mmDeduction":""}
/// ```
///
/// `riskLimitValue` is the tier's position cap (USDT for linear), `mmDeduction` the maintenance
/// amount to subtract (`""` when not given). The unit of the margin rates is read per row: see
/// `margin_tiers` in the parent module.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskLimit {
    #[serde(default)]
    pub symbol: String,
    #[serde(deserialize_with = "num::f64")]
    pub risk_limit_value: f64,
    #[serde(deserialize_with = "num::f64")]
    pub maintenance_margin: f64,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub initial_margin: Option<f64>,
    #[serde(deserialize_with = "num::f64")]
    pub max_leverage: f64,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub mm_deduction: Option<f64>,
}

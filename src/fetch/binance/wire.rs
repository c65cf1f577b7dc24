//! Raw JSON of the Binance USD-M futures REST API (`https://fapi.binance.com`).
//!
//! Lenient about representation (numbers as strings or numbers, extra fields and columns),
//! strict about meaning (see the `TryFrom` impls in the parent module).

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;

use crate::fetch::num;

/// A number sent as a string or a number.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub(crate) struct Num(#[serde(deserialize_with = "num::f64")] pub f64);

/// Epoch milliseconds sent as a string or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) struct Ms(#[serde(deserialize_with = "num::i64_ms")] pub i64);

/// One row of `GET /fapi/v1/klines` (columns after the tenth are ignored):
///
/// ```json
/// [1499040000000, "0.01634790", "0.80000000", "0.01575800", "0.01577100",
///  "148976.11427815", 1499644799999, "2434.19055334", 308, "1756.87402397",
///  "28.46694368", "17928899.62484339"]
/// ```
///
/// Columns: open time, open, high, low, close, volume (base), close time, quote volume,
/// trades, taker buy base volume, taker buy quote volume, ignore.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct KlineRow {
    pub open_time: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
    pub taker_buy_volume: f64,
}

impl<'de> Deserialize<'de> for KlineRow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KlineRow;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a kline row of at least 10 columns")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KlineRow, A::Error> {
                let missing = |i: usize| de::Error::invalid_length(i, &"at least 10 columns");
                let open_time = seq.next_element::<Ms>()?.ok_or_else(|| missing(0))?.0;
                let mut cols = [0.0; 9];
                for (i, c) in cols.iter_mut().enumerate() {
                    *c = seq.next_element::<Num>()?.ok_or_else(|| missing(i + 1))?.0;
                }
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                let [open, high, low, close, volume, _close_time, _quote_volume, _trades, taker_buy_volume] = cols;
                Ok(KlineRow { open_time, open, high, low, close, volume, taker_buy_volume })
            }
        }
        d.deserialize_seq(V)
    }
}

/// One element of `GET /futures/data/openInterestHist` (the docs send `timestamp` as a
/// string, live answers as a number):
///
/// ```json
/// {"symbol":"BTCUSDT","sumOpenInterest":"20403.63700000",
///  "sumOpenInterestValue":"150570784.07809979","timestamp":"1583127900000"}
/// ```
///
/// `sumOpenInterest` is one side in base units, `sumOpenInterestValue` the same in USDT.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OpenInterestHist {
    #[serde(deserialize_with = "num::i64_ms")]
    pub timestamp: i64,
    #[serde(deserialize_with = "num::f64")]
    pub sum_open_interest_value: f64,
}

/// One element of `GET /fapi/v1/fundingRate`:
///
/// ```json
/// {"symbol":"BTCUSDT","fundingRate":"-0.03750000","fundingTime":1570608000000,
///  "markPrice":"34287.54619963"}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FundingRate {
    #[serde(deserialize_with = "num::i64_ms")]
    pub funding_time: i64,
    #[serde(deserialize_with = "num::f64")]
    pub funding_rate: f64,
}

/// `GET /fapi/v1/premiumIndex?symbol=BTCUSDT`:
///
/// ```json
/// {"symbol":"BTCUSDT","markPrice":"11793.63104562","indexPrice":"11781.80495970",
///  "estimatedSettlePrice":"11781.16138815","lastFundingRate":"0.00038246",
///  "nextFundingTime":1597392000000,"interestRate":"0.00010000","time":1597370495002}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PremiumIndex {
    #[serde(deserialize_with = "num::f64")]
    pub mark_price: f64,
}

/// `GET /fapi/v1/exchangeInfo` (only the parts used; the real answer is ~100 kB):
///
/// ```json
/// {"timezone":"UTC","serverTime":1626858243909,"symbols":[{"symbol":"BTCUSDT",
///  "pair":"BTCUSDT","contractType":"PERPETUAL","status":"TRADING","baseAsset":"BTC",
///  "quoteAsset":"USDT","filters":[{"minPrice":"556.72","maxPrice":"1000000",
///  "filterType":"PRICE_FILTER","tickSize":"0.01"}]}]}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ExchangeInfo {
    pub symbols: Vec<SymbolInfo>,
}

/// One element of `symbols` in [`ExchangeInfo`]:
///
/// ```json
/// {"symbol":"BLZUSDT","contractType":"PERPETUAL","status":"TRADING","baseAsset":"BLZ",
///  "quoteAsset":"USDT","filters":[{"filterType":"PRICE_FILTER","tickSize":"0.0001"}]}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SymbolInfo {
    pub symbol: String,
    #[serde(default)]
    pub contract_type: String,
    #[serde(default)]
    pub base_asset: String,
    #[serde(default)]
    pub quote_asset: String,
    #[serde(default)]
    pub filters: Vec<Filter>,
}

/// One element of `filters` in [`SymbolInfo`]; only `PRICE_FILTER` is read:
///
/// ```json
/// {"filterType":"PRICE_FILTER","minPrice":"556.72","maxPrice":"1000000","tickSize":"0.01"}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    pub filter_type: String,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub tick_size: Option<f64>,
}

/// The error body of a 4xx answer:
///
/// ```json
/// {"code":-1121,"msg":"Invalid symbol."}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct ApiError {
    pub code: i64,
    #[serde(default)]
    pub msg: String,
}

//! Raw JSON of the OKX v5 public REST API. Numbers arrive as strings (sometimes as numbers);
//! the [`crate::fetch::num`] helpers accept both.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::fetch::num;

/// The part of every OKX answer that says whether it worked:
///
/// ```json
/// {"code":"0","msg":"","data":[...]}
/// {"code":"51001","msg":"Instrument ID does not exist","data":[]}
/// {"code":404,"data":{},"detailMsg":"","error_code":"404","error_message":"Not Found","msg":"Not Found"}
/// ```
///
/// `code` is a string, except on HTTP 404 where it is a number.
#[derive(Debug, Deserialize)]
pub(crate) struct Head {
    #[serde(deserialize_with = "code_string")]
    pub code: String,
    #[serde(default)]
    pub msg: String,
}

/// The payload of a successful answer: `{"code":"0","msg":"","data":[...]}`.
#[derive(Debug, Deserialize)]
pub struct Data<T> {
    pub data: T,
}

/// `"51001"` or `404` → the code as a string.
fn code_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an error code as a string or a whole number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.trim().to_string())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(V)
}

/// One cell of an array row (candles, open-interest history): a number sent as a string;
/// `""` or `null` is `None`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(transparent)]
pub struct Cell(#[serde(deserialize_with = "num::opt_f64")] pub Option<f64>);

/// An array row of string numbers. Extra trailing cells (fields OKX may add) are ignored.
///
/// Candles (`market/history-candles`), newest first,
/// `[ts, o, h, l, c, vol (contracts), volCcy (base), volCcyQuote, confirm]`:
/// ```json
/// ["1597026383085","3.721","3.743","3.677","3.708","8422410","22698348.04828491","12698348.04828491","1"]
/// ```
/// Open interest (`rubik/stat/contracts/open-interest-history`), newest first,
/// `[ts, oi (contracts), oiCcy (coins), oiUsd]`:
/// ```json
/// ["1701417600000","731377.57500501","111","8888888"]
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Row(pub Vec<Cell>);

impl Row {
    /// Cell `i` (named `name` for messages), which must be present and a number.
    pub fn num(&self, i: usize, name: &str) -> Result<f64, String> {
        match self.0.get(i) {
            Some(Cell(Some(x))) if x.is_finite() => Ok(*x),
            Some(_) => Err(format!("{name} (column {}) is empty or not a finite number", i + 1)),
            None => Err(format!("row has {} columns, {name} is column {}", self.0.len(), i + 1)),
        }
    }

    /// Cell `i` as epoch milliseconds.
    pub fn ms(&self, i: usize, name: &str) -> Result<i64, String> {
        let v = self.num(i, name)?;
        if v.fract() == 0.0 && v.abs() < 9e15 {
            Ok(v as i64)
        } else {
            Err(format!("{name} {v} is not whole milliseconds"))
        }
    }
}

/// One instrument of `public/instruments?instType=SWAP`:
///
/// ```json
/// {"instId":"SOL-USDT-SWAP","instType":"SWAP","ctType":"linear","ctVal":"1","ctValCcy":"SOL",
///  "settleCcy":"USDT","state":"live","tickSz":"0.001","uly":"SOL-USDT","lever":"75", "...": "..."}
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Instrument {
    pub inst_id: String,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub tick_sz: Option<f64>,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub ct_val: Option<f64>,
    #[serde(default)]
    pub state: String,
}

/// One element of `public/open-interest?instType=SWAP&instId=` (the current open interest):
///
/// ```json
/// {"instId":"BTC-USDT-SWAP","oi":"3384273.06000001729","ts":"1786820650933"}
/// ```
///
/// `oi` counts contracts, one side (each contract once); `oiCcy` (coins) and `oiUsd` are not
/// always present, so coins are `oi × ctVal` of the instrument.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OpenInterestNow {
    pub inst_id: String,
    #[serde(deserialize_with = "num::f64")]
    pub oi: f64,
    #[serde(deserialize_with = "num::i64_ms")]
    pub ts: i64,
}

/// `public/mark-price`:
///
/// ```json
/// {"instType":"SWAP","instId":"BTC-USDT-SWAP","markPx":"200","ts":"1597026383085"}
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkPrice {
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub mark_px: Option<f64>,
}

/// `public/funding-rate` (the current period; `fundingTime` is its settlement time):
///
/// ```json
/// {"fundingRate":"0.0000182221218054","fundingTime":"1743609600000","instId":"BTC-USDT-SWAP",
///  "nextFundingTime":"1743638400000","method":"current_period","settState":"settled", "...": "..."}
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FundingRate {
    #[serde(deserialize_with = "num::f64")]
    pub funding_rate: f64,
    #[serde(deserialize_with = "num::i64_ms")]
    pub funding_time: i64,
}

/// `public/funding-rate-history`, newest first:
///
/// ```json
/// {"fundingRate":"0.0000746572360545","fundingTime":"1703088000000","instId":"BTC-USDT-SWAP",
///  "instType":"SWAP","method":"next_period","realizedRate":"0.0000746572360545"}
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FundingHistory {
    #[serde(deserialize_with = "num::f64")]
    pub funding_rate: f64,
    /// The rate actually settled (empty on some rows): preferred when present.
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub realized_rate: Option<f64>,
    #[serde(deserialize_with = "num::i64_ms")]
    pub funding_time: i64,
}

/// One tier of `public/position-tiers?instType=SWAP&tdMode=isolated&instFamily=...`;
/// `minSz`/`maxSz` count contracts:
///
/// ```json
/// {"baseMaxLoan":"","imr":"0.013","instFamily":"ETH-USDT","instId":"","maxLever":"75","maxSz":"2000",
///  "minSz":"0","mmr":"0.01","optMgnFactor":"0","quoteMaxLoan":"","tier":"1","uly":"ETH-USDT"}
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PositionTier {
    #[serde(deserialize_with = "num::f64")]
    pub tier: f64,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub min_sz: Option<f64>,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub max_sz: Option<f64>,
    #[serde(deserialize_with = "num::f64")]
    pub mmr: f64,
    #[serde(deserialize_with = "num::f64")]
    pub max_lever: f64,
    #[serde(default)]
    pub inst_family: String,
    #[serde(default)]
    pub uly: String,
}

/// One instrument's entry of `public/liquidation-orders?instType=SWAP&instFamily=...&state=filled`,
/// newest first. A recorded answer (tests/fixtures/fetch/okx/) carries no `posSide`, `bkLoss`
/// or `ccy`, so everything but `details` is optional:
///
/// ```json
/// {"details":[{"bkPx":"63064.9","side":"buy","sz":"2.41","ts":"1786810247378"}],
///  "instFamily":"BTC-USDT","instId":"BTC-USDT-SWAP","instType":"SWAP"}
/// ```
///
/// `sz` counts contracts (× `ctVal` for coins); `side` is the closing order's side (`buy`
/// closes a short), `posSide` (where sent) the liquidated position's.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiquidationOrders {
    #[serde(default)]
    pub inst_id: String,
    #[serde(default)]
    pub details: Vec<LiquidationDetail>,
}

/// One filled liquidation order of [`LiquidationOrders`].
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiquidationDetail {
    #[serde(default)]
    pub side: String,
    #[serde(default)]
    pub pos_side: String,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub bk_px: Option<f64>,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub sz: Option<f64>,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub ts: Option<f64>,
}

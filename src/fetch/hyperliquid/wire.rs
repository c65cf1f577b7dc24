//! Raw JSON of Hyperliquid's `POST /info`. Numbers arrive as strings, some as numbers; the
//! [`crate::fetch::num`] helpers accept both.

use serde::{Deserialize, Serialize};

use crate::fetch::num;

/// The request body of `candleSnapshot`:
///
/// ```json
/// {"type":"candleSnapshot","req":{"coin":"kPEPE","interval":"1h","startTime":1684702007000,"endTime":1684784807000}}
/// ```
#[derive(Debug, Serialize)]
pub(crate) struct CandleSnapshotRequest<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub req: CandleReq<'a>,
}

/// The `req` of [`CandleSnapshotRequest`].
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CandleReq<'a> {
    pub coin: &'a str,
    pub interval: &'a str,
    pub start_time: i64,
    pub end_time: i64,
}

/// The request body of `fundingHistory` (at most 500 rows per answer):
///
/// ```json
/// {"type":"fundingHistory","coin":"SOL","startTime":1683849600000,"endTime":1685649600000}
/// ```
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FundingHistoryRequest<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub coin: &'a str,
    pub start_time: i64,
    pub end_time: i64,
}

/// One candle of a `candleSnapshot` answer (ascending list):
///
/// ```json
/// {"T":1684702799999,"c":"0.001604","h":"0.001616","i":"1h","l":"0.001601","n":709,
///  "o":"0.001601","s":"kPEPE","t":1684699200000,"v":"520665683.0"}
/// ```
///
/// `t` is the open time, `T` the close time, `v` the volume in coins, `n` the number of trades.
#[derive(Debug, Clone, Deserialize)]
pub struct WireCandle {
    #[serde(deserialize_with = "num::i64_ms")]
    pub t: i64,
    #[serde(deserialize_with = "num::f64")]
    pub o: f64,
    #[serde(deserialize_with = "num::f64")]
    pub h: f64,
    #[serde(deserialize_with = "num::f64")]
    pub l: f64,
    #[serde(deserialize_with = "num::f64")]
    pub c: f64,
    #[serde(deserialize_with = "num::f64")]
    pub v: f64,
}

/// The answer to `{"type":"metaAndAssetCtxs"}`: a two-element array, the perpetuals'
/// metadata and their live contexts, where `universe[i]` belongs to `contexts[i]`:
///
/// ```json
/// [{"universe":[{"maxLeverage":50,"name":"SOL","onlyIsolated":false,"szDecimals":2}]},
///  [{"dayNtlVlm":"9450588.2273","funding":"0.0000198","impactPxs":["108.04","108.06"],"markPx":"108.04",
///    "midPx":"108.05","openInterest":"10764.48","oraclePx":"107.99","premium":"0.00055561","prevDayPx":"111.81"}]]
/// ```
#[derive(Debug, Clone, Deserialize)]
pub struct MetaAndAssetCtxs(pub Meta, pub Vec<AssetCtx>);

/// `{"universe":[...],"marginTables":[...]}` (the answer to `meta`, and the first element of
/// `metaAndAssetCtxs`). Older answers have no `marginTables`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    #[serde(default)]
    pub universe: Vec<Asset>,
    #[serde(default)]
    pub margin_tables: Vec<MarginTableEntry>,
}

/// One perpetual: `{"maxLeverage":40,"name":"BTC","marginTableId":56,"onlyIsolated":false,"szDecimals":5}`
/// (delisted ones carry `"isDelisted":true`; recorded answers also have `"isDelisted":null`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Asset {
    pub name: String,
    #[serde(deserialize_with = "num::f64")]
    pub max_leverage: f64,
    #[serde(default, deserialize_with = "null_is_false")]
    pub is_delisted: bool,
    /// The id of the asset's entry in [`Meta::margin_tables`].
    #[serde(default)]
    pub margin_table_id: Option<u64>,
}

/// `true`, `false` or `null` (= `false`).
fn null_is_false<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(false))
}

/// One element of `marginTables`, a pair of the table's id and the table:
///
/// ```json
/// [56,{"description":"tiered 40x","marginTiers":[{"lowerBound":"0.0","maxLeverage":40},
///                                               {"lowerBound":"150000000.0","maxLeverage":20}]}]
/// ```
#[derive(Debug, Clone, Deserialize)]
pub struct MarginTableEntry(pub u64, pub MarginTable);

/// A margin table: the maximum leverage by position size.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarginTable {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub margin_tiers: Vec<WireMarginTier>,
}

/// A tier of a [`MarginTable`]: from `lowerBound` (position notional, USD) on, at most
/// `maxLeverage`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireMarginTier {
    #[serde(deserialize_with = "num::f64")]
    pub lower_bound: f64,
    #[serde(deserialize_with = "num::f64")]
    pub max_leverage: f64,
}

/// One live context: open interest in coins (one side), mark price, the current hourly funding.
/// Fields can be missing or `null` on new listings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetCtx {
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub funding: Option<f64>,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub mark_px: Option<f64>,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub open_interest: Option<f64>,
}

/// One row of a `fundingHistory` answer (hourly, ascending):
///
/// ```json
/// {"coin":"SOL","fundingRate":"-0.00022196","premium":"-0.00052196","time":1683849600076}
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FundingRow {
    #[serde(deserialize_with = "num::f64")]
    pub funding_rate: f64,
    #[serde(deserialize_with = "num::i64_ms")]
    pub time: i64,
}

/// The request body of `clearinghouseState` (weight 2 of the 1200 per minute):
///
/// ```json
/// {"type":"clearinghouseState","user":"0x5e9ee1089755c3435139848e47e6635505d5a13a"}
/// ```
#[derive(Debug, Serialize)]
pub(crate) struct ClearinghouseStateRequest<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub user: &'a str,
}

/// The answer to `clearinghouseState`: the account's open perpetual positions and margin
/// summaries (a recorded answer, shortened to one position):
///
/// ```json
/// {"assetPositions":[{"position":{"coin":"BTC","entryPx":"26951.0","leverage":{"type":"cross","value":20},
///    "liquidationPx":"173198.69592357","marginUsed":"10.582271","maxTradeSzs":["0.76534","0.74964"],
///    "positionValue":"211.64542","returnOnEquity":"-0.00756643","szi":"-0.00785","unrealizedPnl":"-0.08007"},
///   "type":"oneWay"}],
///  "crossMarginSummary":{"accountValue":"1182.312496","totalMarginUsed":"171.740766","totalNtlPos":"3434.815334","totalRawUsd":"86.549602"},
///  "marginSummary":{"accountValue":"1182.312496",...},"withdrawable":"1010.57173"}
/// ```
///
/// An account that never traded answers with an empty `assetPositions`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClearinghouseState {
    #[serde(default)]
    pub asset_positions: Vec<AssetPosition>,
}

/// `{"position":{...},"type":"oneWay"}`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AssetPosition {
    pub position: Position,
}

/// One open position: `szi` is the signed size in coins (negative = short), `liquidationPx`
/// is `null` for a cross-margin position the account's collateral covers, `positionValue` the
/// notional in USD at the mark price, `marginUsed` the margin it holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    pub coin: String,
    #[serde(deserialize_with = "num::f64")]
    pub szi: f64,
    #[serde(deserialize_with = "num::f64")]
    pub entry_px: f64,
    pub leverage: Leverage,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub liquidation_px: Option<f64>,
    #[serde(deserialize_with = "num::f64")]
    pub position_value: f64,
    #[serde(default, deserialize_with = "num::opt_f64")]
    pub margin_used: Option<f64>,
}

/// `{"type":"cross","value":20}` or `{"type":"isolated","value":10,"rawUsd":"-1033.3"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Leverage {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(deserialize_with = "num::f64")]
    pub value: f64,
}

/// Hyperliquid's public leaderboard (`GET https://stats-data.hyperliquid.xyz/Mainnet/leaderboard`,
/// the data of the app's leaderboard page, tens of thousands of rows):
///
/// ```json
/// {"leaderboardRows":[{"ethAddress":"0x87f9cd15f5050a9283b8896300f7c8cf69ece2cf","accountValue":"30915834.6125889979",
///   "windowPerformances":[["day",{"pnl":"-4553.58","roi":"-0.000147","vlm":"0.0"}],["week",{...}],["month",{...}],["allTime",{...}]],
///   "prize":0,"displayName":null}]}
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Leaderboard {
    pub leaderboard_rows: Vec<LeaderboardRow>,
}

/// One leaderboard row: the account and its value in USD.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LeaderboardRow {
    pub eth_address: String,
    #[serde(deserialize_with = "num::f64")]
    pub account_value: f64,
}

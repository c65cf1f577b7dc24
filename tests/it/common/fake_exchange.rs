//! One local server that speaks the public APIs of Binance, Bybit, OKX and Hyperliquid for
//! BTC, generating rows for whatever time range and interval is asked from a smooth made-up
//! price and open-interest path (realistic magnitudes, rising and falling open interest). Rows
//! exist up to the real current time, so the newest candle is still open, as on the venues.
//! Used by the end-to-end tests and the fetch benchmark.
#![allow(dead_code)]

use std::f64::consts::TAU;

use serde_json::{json, Value};

use super::mock_server::{MockServer, Reply, Seen};

const MIN: i64 = 60_000;

/// BTC price at `ms` (epoch milliseconds).
pub fn price(ms: i64) -> f64 {
    let t = ms as f64 / 1000.0;
    let w = |period_s: f64| (TAU * t / period_s).sin();
    100_000.0 * (0.04 * w(3.1 * 86_400.0) + 0.015 * w(7.3 * 3600.0) + 0.004 * w(47.0 * 60.0)).exp()
}

/// One-sided open interest in USD at `ms`.
pub fn oi_usd(ms: i64) -> f64 {
    let t = ms as f64 / 1000.0;
    let w = |period_s: f64| (TAU * t / period_s).sin();
    8e9 * (1.0 + 0.05 * w(2.3 * 86_400.0) + 0.02 * w(5.1 * 3600.0) + 0.004 * w(23.0 * 60.0))
}

/// Open, high, low, close, base volume, taker-buy volume of the candle `[t, t + step)`.
pub fn candle(t: i64, step: i64) -> [f64; 6] {
    let (o, c) = (price(t), price(t + step));
    let mid = price(t + step / 2);
    let wiggle = 1.0 + 0.0008 * ((t / step) % 5) as f64 / 4.0;
    let high = o.max(c).max(mid) * wiggle;
    let low = o.min(c).min(mid) / wiggle;
    let volume = 50.0 + ((t / step) % 7) as f64 * 10.0;
    let taker = volume * if c >= o { 0.56 } else { 0.44 };
    [o, high, low, c, volume, taker]
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn num(s: &Seen, k: &str) -> Option<i64> {
    s.param(k)?.parse().ok()
}

/// Grid times on `step` within `[from, to]`, not after now, oldest first, at most `limit`.
fn grid(from: i64, to: i64, step: i64, limit: i64) -> Vec<i64> {
    let first = (from + step - 1).div_euclid(step) * step;
    let last = to.min(now_ms());
    (0..limit.max(0)).map(|i| first + i * step).take_while(|t| *t <= last).collect()
}

/// Times on `step` strictly between `lo` and `hi`, not after now, newest first, at most `limit`.
fn newest_first(lo: i64, hi: i64, step: i64, limit: i64) -> Vec<i64> {
    let newest = (hi.min(now_ms() + 1) - 1).div_euclid(step) * step;
    (0..limit.max(0)).map(|i| newest - i * step).take_while(|&t| t > lo).collect()
}

fn step_of(name: &str) -> Option<i64> {
    let m = match name {
        "5m" | "5" | "5min" => 5,
        "15m" | "15" | "15min" => 15,
        "30m" | "30" | "30min" => 30,
        "1h" | "1H" | "60" => 60,
        "2h" | "120" => 120,
        "4h" | "4H" | "240" => 240,
        "1d" | "1D" | "1Dutc" | "D" => 1440,
        _ => return None,
    };
    Some(m * MIN)
}

fn reply(v: Value) -> Option<Reply> {
    Some(Reply::json(v.to_string()))
}

fn s(x: f64) -> String {
    format!("{x:.2}")
}

/// Starts the server with every venue's routes. `first` may add routes that win over the
/// standard ones (to make a venue fail).
pub fn start(first: impl FnOnce(&MockServer)) -> MockServer {
    start_on("127.0.0.1:0", first)
}

/// [`start`] on `addr`.
pub fn start_on(addr: &str, first: impl FnOnce(&MockServer)) -> MockServer {
    let server = MockServer::start_on(addr);
    first(&server);
    binance(&server);
    bybit(&server);
    okx(&server);
    hyperliquid(&server);
    server
}

/// Binance's answer to a symbol it does not list (`None` when the symbol is BTCUSDT or absent).
fn binance_unknown(q: &Seen) -> Option<Reply> {
    match q.param("symbol") {
        Some(sym) if sym != "BTCUSDT" => Some(Reply::json(r#"{"code":-1121,"msg":"Invalid symbol."}"#).status(400)),
        _ => None,
    }
}

fn binance(server: &MockServer) {
    for path in ["/fapi/v1/klines", "/futures/data/openInterestHist", "/fapi/v1/fundingRate", "/fapi/v1/premiumIndex"] {
        server.handle("GET", path, binance_unknown);
    }
    server.handle("GET", "/fapi/v1/klines", |q| {
        let step = step_of(&q.param("interval")?)?;
        let limit = num(q, "limit").unwrap_or(500).min(1500);
        let rows: Vec<Value> = grid(num(q, "startTime")?, num(q, "endTime").unwrap_or(i64::MAX), step, limit)
            .into_iter()
            .map(|t| {
                let [o, h, l, c, v, tb] = candle(t, step);
                json!([
                    t,
                    s(o),
                    s(h),
                    s(l),
                    s(c),
                    format!("{v:.3}"),
                    t + step - 1,
                    s(v * c),
                    100,
                    format!("{tb:.3}"),
                    s(tb * c),
                    "0"
                ])
            })
            .collect();
        reply(Value::Array(rows))
    });
    server.handle("GET", "/futures/data/openInterestHist", |q| {
        let step = step_of(&q.param("period")?)?;
        let limit = num(q, "limit").unwrap_or(30).min(500);
        let rows: Vec<Value> = grid(num(q, "startTime")?, num(q, "endTime").unwrap_or(i64::MAX), step, limit)
            .into_iter()
            .map(|t| json!({"symbol": "BTCUSDT", "sumOpenInterest": s(oi_usd(t) / price(t)), "sumOpenInterestValue": s(oi_usd(t)), "timestamp": t}))
            .collect();
        reply(Value::Array(rows))
    });
    server.handle("GET", "/fapi/v1/fundingRate", |q| {
        let rows: Vec<Value> = grid(
            num(q, "startTime").unwrap_or(0),
            num(q, "endTime").unwrap_or(i64::MAX),
            480 * MIN,
            1000,
        )
        .into_iter()
        .map(|t| json!({"symbol": "BTCUSDT", "fundingRate": "0.00010000", "fundingTime": t, "markPrice": s(price(t))}))
        .collect();
        reply(Value::Array(rows))
    });
    server.handle("GET", "/fapi/v1/premiumIndex", |_| {
        let t = now_ms();
        reply(json!({"symbol": "BTCUSDT", "markPrice": s(price(t)), "indexPrice": s(price(t)), "lastFundingRate": "0.00010000", "nextFundingTime": t + 3_600_000, "time": t}))
    });
    server.handle("GET", "/fapi/v1/exchangeInfo", |_| {
        reply(json!({"timezone": "UTC", "symbols": [
            {"symbol": "BTCUSDT", "contractType": "PERPETUAL", "baseAsset": "BTC", "quoteAsset": "USDT",
             "filters": [{"filterType": "PRICE_FILTER", "tickSize": "0.10"}]},
            {"symbol": "ETHUSDT", "contractType": "PERPETUAL", "baseAsset": "ETH", "quoteAsset": "USDT", "filters": []},
            {"symbol": "BTCDOMUSDT", "contractType": "PERPETUAL", "baseAsset": "BTCDOM", "quoteAsset": "USDT", "filters": []}
        ]}))
    });
}

fn bybit_ok(list: Vec<Value>) -> Option<Reply> {
    reply(
        json!({"retCode": 0, "retMsg": "OK", "result": {"category": "linear", "list": list, "nextPageCursor": ""}, "retExtInfo": {}, "time": now_ms()}),
    )
}

fn bybit(server: &MockServer) {
    server.handle("GET", "/v5/market/kline", |q| {
        if q.param("symbol")? != "BTCUSDT" {
            return reply(json!({"retCode": 10001, "retMsg": "params error: symbol invalid", "result": {}, "retExtInfo": {}, "time": now_ms()}));
        }
        let step = step_of(&q.param("interval")?)?;
        let mut ts = grid(num(q, "start")?, num(q, "end").unwrap_or(i64::MAX), step, num(q, "limit").unwrap_or(200).min(1000));
        ts.reverse();
        bybit_ok(ts.into_iter().map(|t| {
            let [o, h, l, c, v, _] = candle(t, step);
            json!([t.to_string(), s(o), s(h), s(l), s(c), format!("{v:.3}"), s(v * c)])
        }).collect())
    });
    server.handle("GET", "/v5/market/open-interest", |q| {
        let step = step_of(&q.param("intervalTime")?)?;
        let mut ts = grid(
            num(q, "startTime")?,
            num(q, "endTime").unwrap_or(i64::MAX),
            step,
            num(q, "limit").unwrap_or(50).min(200),
        );
        ts.reverse();
        bybit_ok(
            ts.into_iter()
                .map(|t| {
                    let coins = oi_usd(t) / price(t) * 0.6;
                    // One side, without singleOpenInterest, as live answers are.
                    json!({"openInterest": format!("{coins:.3}"), "timestamp": t.to_string()})
                })
                .collect(),
        )
    });
    server.handle("GET", "/v5/market/funding/history", |q| {
        let mut ts = grid(num(q, "startTime").unwrap_or(0), num(q, "endTime").unwrap_or(i64::MAX), 480 * MIN, 200);
        ts.reverse();
        bybit_ok(
            ts.into_iter()
                .map(|t| json!({"symbol": "BTCUSDT", "fundingRate": "0.0001", "fundingRateTimestamp": t.to_string()}))
                .collect(),
        )
    });
    server.handle("GET", "/v5/market/tickers", |_| {
        bybit_ok(vec![json!({"symbol": "BTCUSDT", "markPrice": s(price(now_ms()))})])
    });
    server.handle("GET", "/v5/market/instruments-info", |_| {
        bybit_ok(vec![json!({"symbol": "BTCUSDT", "contractType": "LinearPerpetual", "baseCoin": "BTC", "quoteCoin": "USDT", "priceFilter": {"tickSize": "0.10"}})])
    });
    server.handle("GET", "/v5/market/risk-limit", |_| {
        bybit_ok(vec![
            json!({"id": 1, "symbol": "BTCUSDT", "riskLimitValue": "2000000", "maintenanceMargin": "0.005", "initialMargin": "0.01", "maxLeverage": "100.00", "mmDeduction": ""}),
            json!({"id": 2, "symbol": "BTCUSDT", "riskLimitValue": "4000000", "maintenanceMargin": "0.01", "initialMargin": "0.02", "maxLeverage": "50.00", "mmDeduction": "10000"}),
        ])
    });
}

fn okx_ok(data: Value) -> Option<Reply> {
    reply(json!({"code": "0", "msg": "", "data": data}))
}

fn okx_known(q: &Seen) -> bool {
    q.param("instId").is_none_or(|i| i == "BTC-USDT-SWAP")
}

/// The fake OKX has a liquidation every this often (epoch-aligned).
pub const LIQ_EVERY: i64 = 11 * MIN;

/// How far back the fake OKX keeps liquidations (the real one: about a day).
pub const LIQ_KEPT: i64 = 24 * 60 * MIN;

/// The fake OKX's liquidation details with times in `[lo, hi]`, newest first, as the venue
/// sends them: `bkPx` a little beyond the price (below for longs), `sz` in contracts; most
/// carry `posSide`, every fifth only `side` (as in a recorded answer).
pub fn okx_liquidation_details(lo: i64, hi: i64) -> Vec<Value> {
    let (first, last) = ((lo + LIQ_EVERY - 1).div_euclid(LIQ_EVERY), hi.div_euclid(LIQ_EVERY));
    (first..=last)
        .rev()
        .map(|k| {
            let t = k * LIQ_EVERY;
            let long = k % 3 != 0;
            let px = price(t) * if long { 0.998 } else { 1.002 };
            let mut d = json!({"bkLoss": "0", "bkPx": format!("{px:.1}"), "ccy": "", "side": if long { "sell" } else { "buy" },
                               "sz": format!("{:.2}", 1.0 + (k % 7) as f64 * 3.5), "ts": t.to_string()});
            if k % 5 != 0 {
                d["posSide"] = json!(if long { "long" } else { "short" });
            }
            d
        })
        .collect()
}

/// A `public/liquidation-orders` page of the details in `[lo, hi]` older than the request's
/// `after` (if any), newest first, at most `limit` (100); an empty page is `"data": []`.
pub fn okx_liquidations_page(q: &Seen, lo: i64, hi: i64) -> Option<Reply> {
    let hi = match num(q, "after") {
        Some(a) => hi.min(a - 1),
        None => hi,
    };
    let limit = num(q, "limit").unwrap_or(100).clamp(1, 100) as usize;
    let details: Vec<Value> = okx_liquidation_details(lo, hi).into_iter().take(limit).collect();
    if details.is_empty() {
        return okx_ok(json!([]));
    }
    okx_ok(
        json!([{"details": details, "instFamily": "BTC-USDT", "instId": "BTC-USDT-SWAP", "instType": "SWAP", "totalLoss": "0", "uly": "BTC-USDT"}]),
    )
}

fn okx(server: &MockServer) {
    server.handle("GET", "/api/v5/public/liquidation-orders", |q| {
        if q.param("instFamily").as_deref() != Some("BTC-USDT") {
            return reply(json!({"code": "51000", "msg": "Parameter instFamily error", "data": []}));
        }
        let now = now_ms();
        okx_liquidations_page(q, now - LIQ_KEPT, now)
    });
    server.handle("GET", "/api/v5/market/history-candles", |q| {
        if !okx_known(q) {
            return reply(json!({"code": "51001", "msg": "Instrument ID does not exist", "data": []}));
        }
        let step = step_of(&q.param("bar")?)?;
        let ts = newest_first(
            num(q, "before").unwrap_or(0),
            num(q, "after").unwrap_or(i64::MAX),
            step,
            num(q, "limit").unwrap_or(100).min(100),
        );
        let now = now_ms();
        okx_ok(Value::Array(
            ts.into_iter()
                .map(|t| {
                    let [o, h, l, c, v, _] = candle(t, step);
                    let confirm = if t + step <= now { "1" } else { "0" };
                    json!([
                        t.to_string(),
                        s(o),
                        s(h),
                        s(l),
                        s(c),
                        format!("{:.0}", v * 100.0),
                        format!("{v:.3}"),
                        s(v * c),
                        confirm
                    ])
                })
                .collect(),
        ))
    });
    server.handle("GET", "/api/v5/rubik/stat/contracts/open-interest-history", |q| {
        let step = step_of(&q.param("period")?)?;
        let ts = newest_first(
            num(q, "begin").unwrap_or(0),
            num(q, "end").unwrap_or(i64::MAX),
            step,
            num(q, "limit").unwrap_or(100).min(100),
        );
        okx_ok(Value::Array(
            ts.into_iter()
                .map(|t| {
                    let usd = oi_usd(t) * 0.4;
                    json!([
                        t.to_string(),
                        format!("{:.0}", usd / price(t) * 100.0),
                        format!("{:.3}", usd / price(t)),
                        s(usd)
                    ])
                })
                .collect(),
        ))
    });
    server.handle("GET", "/api/v5/public/instruments", |q| {
        let inst =
            |id: &str| json!({"instId": id, "instType": "SWAP", "ctVal": "0.01", "tickSz": "0.1", "state": "live"});
        match q.param("instId").as_deref() {
            None => okx_ok(json!([inst("BTC-USDT-SWAP"), inst("ETH-USDT-SWAP"), inst("BTC-USD-SWAP")])),
            Some("BTC-USDT-SWAP") => okx_ok(json!([inst("BTC-USDT-SWAP")])),
            Some(_) => reply(json!({"code": "51001", "msg": "Instrument ID does not exist", "data": []})),
        }
    });
    server.handle("GET", "/api/v5/public/mark-price", |_| {
        okx_ok(json!([{"instId": "BTC-USDT-SWAP", "markPx": s(price(now_ms()))}]))
    });
    server.handle("GET", "/api/v5/public/funding-rate", |_| {
        okx_ok(json!([{"fundingRate": "0.0001", "fundingTime": (now_ms() + 3_600_000).to_string()}]))
    });
    server.handle("GET", "/api/v5/public/funding-rate-history", |_| {
        let ts = newest_first(0, now_ms(), 480 * MIN, 20);
        okx_ok(Value::Array(
            ts.into_iter()
                .map(|t| json!({"fundingRate": "0.0001", "realizedRate": "0.0001", "fundingTime": t.to_string()}))
                .collect(),
        ))
    });
    server.handle("GET", "/api/v5/public/position-tiers", |_| {
        let tier = |n: u32, min: &str, max: &str, mmr: &str, lev: &str| {
            json!({"tier": n.to_string(), "minSz": min, "maxSz": max, "mmr": mmr, "maxLever": lev, "instFamily": "BTC-USDT", "uly": "BTC-USDT", "instId": ""})
        };
        okx_ok(json!([tier(1, "0", "50000", "0.004", "100"), tier(2, "50001", "100000", "0.006", "75")]))
    });
}

fn hyperliquid(server: &MockServer) {
    server.handle("POST", "/info", |q| {
        let req: Value = serde_json::from_str(&q.body).ok()?;
        let body = match req["type"].as_str()? {
            "metaAndAssetCtxs" => json!([
                // Margin tables as in the venue's live answers (tests/fixtures/fetch/hyperliquid/).
                {"universe": [{"name": "BTC", "maxLeverage": 40, "szDecimals": 5, "marginTableId": 56},
                              {"name": "ETH", "maxLeverage": 25, "szDecimals": 4, "marginTableId": 55}],
                 "marginTables": [
                    [55, {"description": "tiered 25x", "marginTiers": [{"lowerBound": "0.0", "maxLeverage": 25}, {"lowerBound": "100000000.0", "maxLeverage": 15}]}],
                    [56, {"description": "tiered 40x", "marginTiers": [{"lowerBound": "0.0", "maxLeverage": 40}, {"lowerBound": "150000000.0", "maxLeverage": 20}]}]
                 ]},
                [
                    {"markPx": s(price(now_ms())), "openInterest": format!("{:.3}", oi_usd(now_ms()) * 0.1 / price(now_ms())), "funding": "0.0000125"},
                    {"markPx": "3500", "openInterest": "100000", "funding": "0.0000125"}
                ]
            ]),
            "candleSnapshot" => {
                let r = &req["req"];
                let step = step_of(r["interval"].as_str()?)?;
                let ts = grid(r["startTime"].as_i64()?, r["endTime"].as_i64().unwrap_or(i64::MAX), step, 5000);
                Value::Array(ts.into_iter().map(|t| {
                    let [o, h, l, c, v, _] = candle(t, step);
                    json!({"t": t, "T": t + step - 1, "s": r["coin"], "i": r["interval"], "o": s(o), "h": s(h), "l": s(l), "c": s(c), "v": format!("{v:.3}"), "n": 10})
                }).collect())
            }
            "fundingHistory" => {
                let ts = grid(req["startTime"].as_i64()?, req["endTime"].as_i64().unwrap_or(i64::MAX), 60 * MIN, 500);
                Value::Array(ts.into_iter().map(|t| json!({"coin": req["coin"], "fundingRate": "0.0000125", "premium": "0", "time": t})).collect())
            }
            _ => return Some(Reply::json("Failed to deserialize the JSON body into the target type").status(422)),
        };
        reply(body)
    });
}

/// Which venue a request path belongs to.
pub fn venue_of(path: &str) -> &'static str {
    if path.starts_with("/fapi") || path.starts_with("/futures") {
        "binance"
    } else if path.starts_with("/v5") {
        "bybit"
    } else if path.starts_with("/api/v5") {
        "okx"
    } else {
        "hyperliquid"
    }
}

/// Price scale of the extra symbols served by [`start_multi`] (BTC is 1).
pub fn scale_of(symbol: &str) -> Option<f64> {
    match symbol {
        "BTCUSDT" => Some(1.0),
        "ETHUSDT" => Some(0.04),
        "SOLUSDT" => Some(0.002),
        _ => None,
    }
}

/// Like [`start`], and Binance also serves ETHUSDT and SOLUSDT (prices scaled by
/// [`scale_of`], open interest halved and quartered), for runs with several symbols and
/// `--exchange binance`. BTC answers are unchanged; other symbols get Binance's "invalid
/// symbol" error.
pub fn start_multi(first: impl FnOnce(&MockServer)) -> MockServer {
    start(|server| {
        first(server);
        binance_alts(server);
    })
}

/// Binance routes for ETHUSDT and SOLUSDT; `None` (fall through to the BTC routes) otherwise.
fn binance_alts(server: &MockServer) {
    fn alt(q: &Seen) -> Option<(String, f64)> {
        let sym = q.param("symbol")?;
        let k = scale_of(&sym).filter(|k| *k != 1.0)?;
        Some((sym, k))
    }
    server.handle("GET", "/fapi/v1/klines", |q| {
        let (_, k) = alt(q)?;
        let step = step_of(&q.param("interval")?)?;
        let limit = num(q, "limit").unwrap_or(500).min(1500);
        let p = |x: f64| format!("{:.4}", x * k);
        let rows: Vec<Value> = grid(num(q, "startTime")?, num(q, "endTime").unwrap_or(i64::MAX), step, limit)
            .into_iter()
            .map(|t| {
                let [o, h, l, c, v, tb] = candle(t, step);
                let (v, tb) = (v / k, tb / k);
                json!([
                    t,
                    p(o),
                    p(h),
                    p(l),
                    p(c),
                    format!("{v:.3}"),
                    t + step - 1,
                    s(v * c * k),
                    100,
                    format!("{tb:.3}"),
                    s(tb * c * k),
                    "0"
                ])
            })
            .collect();
        reply(Value::Array(rows))
    });
    server.handle("GET", "/futures/data/openInterestHist", |q| {
        let (sym, k) = alt(q)?;
        let share = if k > 0.01 { 0.5 } else { 0.25 };
        let step = step_of(&q.param("period")?)?;
        let limit = num(q, "limit").unwrap_or(30).min(500);
        let rows: Vec<Value> = grid(num(q, "startTime")?, num(q, "endTime").unwrap_or(i64::MAX), step, limit)
            .into_iter()
            .map(|t| {
                let usd = oi_usd(t) * share;
                json!({"symbol": sym, "sumOpenInterest": s(usd / (price(t) * k)), "sumOpenInterestValue": s(usd), "timestamp": t})
            })
            .collect();
        reply(Value::Array(rows))
    });
    server.handle("GET", "/fapi/v1/fundingRate", |q| {
        let (sym, k) = alt(q)?;
        let rows: Vec<Value> = grid(num(q, "startTime").unwrap_or(0), num(q, "endTime").unwrap_or(i64::MAX), 480 * MIN, 1000)
            .into_iter()
            .map(|t| json!({"symbol": sym, "fundingRate": "0.00010000", "fundingTime": t, "markPrice": format!("{:.4}", price(t) * k)}))
            .collect();
        reply(Value::Array(rows))
    });
    server.handle("GET", "/fapi/v1/premiumIndex", |q| {
        let (sym, k) = alt(q)?;
        let t = now_ms();
        let m = format!("{:.4}", price(t) * k);
        reply(json!({"symbol": sym, "markPrice": m, "indexPrice": m, "lastFundingRate": "0.00010000", "nextFundingTime": t + 3_600_000, "time": t}))
    });
    server.handle("GET", "/fapi/v1/exchangeInfo", |_| {
        let sym = |base: &str, tick: &str| {
            json!({"symbol": format!("{base}USDT"), "contractType": "PERPETUAL", "baseAsset": base, "quoteAsset": "USDT",
                   "filters": [{"filterType": "PRICE_FILTER", "tickSize": tick}]})
        };
        reply(json!({"timezone": "UTC", "symbols": [sym("BTC", "0.10"), sym("ETH", "0.01"), sym("SOL", "0.0010")]}))
    });
}

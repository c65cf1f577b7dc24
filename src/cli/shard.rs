//! `--shard I/N` (render, report, record, run): a stable split of the symbol list over N
//! machines or pods, so that each one always gets the same symbols and keeps their cache warm.
//!
//! A symbol belongs to shard `fnv1a64(BASE) % N`, where BASE is its base asset in upper case
//! (`BTC` for `btc`, `BTCUSDT` and `BTC-USDT`: every spelling lands on one shard) and
//! [`fnv1a64`] is the 64-bit FNV-1a hash (offset basis 0xcbf29ce484222325, prime
//! 0x100000001b3) of its bytes. The hash is fixed: the split depends on nothing but the symbol
//! and N — not on the order of the list, the other symbols, the machine or the release.
//!
//! Shards count from 0 — `0/4` to `3/4` — like the completion index of a Kubernetes Indexed
//! Job. `I` may also be the name of an environment variable holding the index:
//! `--shard JOB_COMPLETION_INDEX/4` (or `LIQSHOT_SHARD=JOB_COMPLETION_INDEX/4`).

use clap::Args;

use liqshot::error::Error;
use liqshot::fetch::symbols::base_asset;

/// The flag, flattened into the commands that take it.
#[derive(Debug, Args, Clone, Default)]
pub struct ShardArgs {
    /// Process only shard I of N of the symbols (I from 0 to N-1; a symbol's shard is the FNV-1a 64 hash of its base asset mod N). I may name an environment variable holding the index, e.g. JOB_COMPLETION_INDEX/4
    #[arg(long, env = "LIQSHOT_SHARD", value_name = "I/N", help_heading = SHARDING)]
    pub shard: Option<String>,
}

/// Help heading of `--shard` and `--dry-run`.
pub(crate) const SHARDING: &str = "Sharding";

impl ShardArgs {
    /// The checked `--shard`, if given.
    pub fn shard(&self) -> Result<Option<Shard>, Error> {
        self.shard.as_deref().map(|s| Shard::parse(s, |v| std::env::var(v).ok())).transpose()
    }
}

/// Shard `index` of `count` (`index < count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

/// The most shards `--shard` takes.
pub const MAX_SHARDS: u64 = 10_000;

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// 64-bit FNV-1a of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl Shard {
    /// Parses `I/N`; `env` looks up `I` when it is a variable name rather than a number. Every
    /// error is one line naming `--shard` (a usage error, exit 2).
    pub fn parse(s: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, Error> {
        let bad = |why: String| Error::Usage(format!("--shard {s:?}: {why}"));
        let (i, n) =
            s.trim().split_once('/').ok_or_else(|| bad("not I/N (e.g. 0/4: shard 0 of 4, counted from 0)".into()))?;
        let (i, n) = (i.trim(), n.trim());
        let count: u64 = n
            .parse()
            .ok()
            .filter(|c| (1..=MAX_SHARDS).contains(c))
            .ok_or_else(|| bad(format!("the count {n:?} is not a number from 1 to {MAX_SHARDS}")))?;
        let is_var = i.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && i.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let digits = if is_var {
            env(i).ok_or_else(|| bad(format!("the environment variable {i} is not set")))?
        } else {
            i.to_string()
        };
        let index: u64 = digits.trim().parse().map_err(|_| {
            bad(if is_var {
                format!("{i}={digits:?} is not a shard index")
            } else {
                format!("the index {i:?} is not a number (or the name of a variable holding it)")
            })
        })?;
        if index >= count {
            return Err(bad(format!("shards count from 0: the index is 0 to {} for {count} shards", count - 1)));
        }
        Ok(Shard { index, count })
    }

    /// The shard of the symbol whose base asset is `base` (e.g. `BTC`).
    pub fn of_base(base: &str, count: u64) -> u64 {
        fnv1a64(base.to_ascii_uppercase().as_bytes()) % count
    }

    /// Whether the user's symbol `symbol` (`btc`, `BTCUSDT`, `BTC-USDT`) is in this shard.
    pub fn keeps(&self, symbol: &str) -> Result<bool, Error> {
        Ok(Shard::of_base(&base_asset(symbol)?, self.count) == self.index)
    }

    /// The symbols of `symbols` in this shard, in their order.
    pub fn select<'a>(&self, symbols: &'a [String]) -> Result<Vec<&'a String>, Error> {
        let mut out = Vec::new();
        for s in symbols {
            if self.keeps(s)? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// Says (at info level) how many of the `total` symbols this shard `kept`.
    pub fn log_kept(&self, kept: usize, total: usize) {
        tracing::info!("shard {self}: {kept} of the {total} symbols");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn fnv1a64_reference_values() {
        // The published test vectors of FNV-1a 64.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn a_thousand_symbols_split_into_disjoint_shards_whose_union_is_the_list() {
        let symbols: Vec<String> = (0..1000).map(|i| format!("C{i}")).collect();
        for n in [1u64, 2, 3, 4, 7, 16] {
            let mut seen = vec![0usize; symbols.len()];
            let mut sizes = Vec::new();
            for i in 0..n {
                let shard = Shard { index: i, count: n };
                let mine = shard.select(&symbols).unwrap();
                sizes.push(mine.len());
                for s in mine {
                    seen[symbols.iter().position(|x| x == s).unwrap()] += 1;
                }
            }
            assert!(seen.iter().all(|&k| k == 1), "n={n}: every symbol in exactly one shard");
            // Roughly even: no shard under half or over twice its share.
            let share = 1000 / n as usize;
            assert!(sizes.iter().all(|&k| k > share / 2 && k < share * 2), "n={n}: {sizes:?}");
        }
    }

    #[test]
    fn stable_and_spelling_blind() {
        // Fixed values: a change of the hash (which moves every cache) fails here.
        assert_eq!(Shard::of_base("BTC", 4), fnv1a64(b"BTC") % 4);
        assert_eq!(fnv1a64(b"BTC"), 0x1601_4d19_b0ba_afa0);
        let s = Shard { index: Shard::of_base("ETH", 8), count: 8 };
        for spelling in ["eth", "ETHUSDT", "ETH-USDT", "eth-usdt-swap", "ETH/USDT"] {
            assert!(s.keeps(spelling).unwrap(), "{spelling}");
        }
        // The split of a symbol does not depend on the rest of the list.
        let a: Vec<String> = ["BTC", "ETH", "SOL", "DOGE"].iter().map(|s| s.to_string()).collect();
        let b: Vec<String> = ["SOL", "XRP", "BTC"].iter().map(|s| s.to_string()).collect();
        let shard = Shard { index: 1, count: 3 };
        let in_a: Vec<&String> = shard.select(&a).unwrap().into_iter().filter(|s| b.contains(s)).collect();
        let mut in_b = shard.select(&b).unwrap();
        in_b.retain(|s| a.contains(s));
        in_b.sort_by_key(|s| a.iter().position(|x| x == *s));
        assert_eq!(in_a, in_b);
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Shard::parse("0/4", no_env).unwrap(), Shard { index: 0, count: 4 });
        assert_eq!(Shard::parse(" 3 / 4 ", no_env).unwrap(), Shard { index: 3, count: 4 });
        let env = |v: &str| (v == "JOB_COMPLETION_INDEX").then(|| "2".to_string());
        assert_eq!(Shard::parse("JOB_COMPLETION_INDEX/4", env).unwrap(), Shard { index: 2, count: 4 });
        for bad in ["4/4", "1/0", "x", "1", "-1/4", "a-b/4", "1/4/5", "/4", "1/", "1/99999999"] {
            let e = Shard::parse(bad, no_env).unwrap_err();
            assert!(matches!(e, Error::Usage(_)), "{bad}: {e:?}");
            let m = e.to_string();
            assert!(m.starts_with("--shard ") && !m.contains('\n'), "{bad}: {m}");
        }
        assert!(Shard::parse("4/4", no_env).unwrap_err().to_string().contains("0 to 3"));
        assert!(Shard::parse("JOB_COMPLETION_INDEX/4", no_env).unwrap_err().to_string().contains("not set"));
        let junk = |_: &str| Some("x".to_string());
        assert!(Shard::parse("IDX/4", junk).unwrap_err().to_string().contains("IDX=\"x\""));
    }
}

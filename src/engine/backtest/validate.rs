//! The checks of a backtest's options against the snapshot ([`BacktestParams::validate`]): the
//! flags named as the user wrote them, before any work is done.

use super::types::{duration, BacktestParams, MAX_DURATION_SECS, MAX_RESAMPLES, MIN_RESAMPLES};
use super::walk::{data_span, step_times};
use crate::error::Error;
use crate::model::snapshot::MarketSnapshot;

impl BacktestParams {
    /// Rejects options no backtest of `snap` can use, naming the flag (`Error::Usage`).
    ///
    /// The flags named: `--step`, `--horizon`, `--warmup`, `--lookback`, `--reaction-move`,
    /// `--reaction-window`, `--vol-window`, `--resamples` (the fields of [`BacktestParams`], in that order).
    pub fn validate(&self, snap: &MarketSnapshot) -> Result<(), Error> {
        let usage = |m: String| Err(Error::Usage(m));
        let interval = snap.interval_secs();
        let durations: [(&str, i64, i64); 5] = [
            ("--step", self.step_secs, 1),
            ("--horizon", self.horizon_secs, 1),
            ("--warmup", self.warmup_secs, 0),
            ("--reaction-window", self.reaction_secs, 1),
            ("--vol-window", self.vol_window_secs, 1),
        ];
        for (flag, secs, min) in durations {
            if secs < min {
                let what = if min == 0 { "must not be negative" } else { "must be positive" };
                return usage(format!("{flag} {}: {what}", duration(secs)));
            }
            if secs > MAX_DURATION_SECS {
                return usage(format!(
                    "{flag} {}: longer than {} is not a backtest setting",
                    duration(secs),
                    duration(MAX_DURATION_SECS)
                ));
            }
        }
        // A step between candle closes would score from the next candle's open (its first
        // minutes unseen) and sub-candle steps multiply the work for nothing; a horizon that is
        // not whole candles is scored on fewer candles than the model's `h` assumes.
        if interval > 0 {
            for (flag, secs) in [("--step", self.step_secs), ("--horizon", self.horizon_secs)] {
                if secs % interval != 0 {
                    return usage(format!(
                        "{flag} {}: must be a whole number of the snapshot's {} candles (e.g. {})",
                        duration(secs),
                        duration(interval),
                        duration((secs / interval).max(1) * interval)
                    ));
                }
            }
        }
        if let Some(l) = self.lookback_secs {
            if l < interval {
                return usage(format!(
                    "--lookback {}: must be at least one candle ({})",
                    duration(l),
                    duration(interval)
                ));
            }
            if l > MAX_DURATION_SECS {
                return usage(format!(
                    "--lookback {}: longer than {} is not a backtest setting",
                    duration(l),
                    duration(MAX_DURATION_SECS)
                ));
            }
        }
        if !(self.reaction_move.is_finite() && self.reaction_move > 0.0 && self.reaction_move < 0.5) {
            return usage(format!(
                "--reaction-move {}: must be a fraction of price above 0 and below 0.5 (0.005 = 0.5 %)",
                self.reaction_move
            ));
        }
        if !(MIN_RESAMPLES..=MAX_RESAMPLES).contains(&self.resamples) {
            return usage(format!(
                "--resamples {}: must be between {MIN_RESAMPLES} and {MAX_RESAMPLES}",
                self.resamples
            ));
        }
        let Some((start, end)) = data_span(snap) else {
            return Err(Error::Invalid("the snapshot has no candles to backtest".into()));
        };
        let span = (end - start).num_seconds();
        if self.warmup_secs + self.horizon_secs > span {
            let flag = if self.horizon_secs >= span || self.warmup_secs < self.horizon_secs {
                "--horizon"
            } else {
                "--warmup"
            };
            let value = if flag == "--horizon" { self.horizon_secs } else { self.warmup_secs };
            return usage(format!(
                "{flag} {}: the snapshot holds {} of data; warm-up {} + horizon {} need more",
                duration(value),
                duration(span),
                duration(self.warmup_secs),
                duration(self.horizon_secs)
            ));
        }
        if step_times(snap, self).is_empty() {
            return usage(format!(
                "--step {}: no step falls between {} (data start + warm-up {}) and {} (data end - horizon {})",
                duration(self.step_secs),
                start + chrono::Duration::seconds(self.warmup_secs),
                duration(self.warmup_secs),
                end - chrono::Duration::seconds(self.horizon_secs),
                duration(self.horizon_secs)
            ));
        }
        Ok(())
    }
}

//! Serde helpers for numbers that venues send as strings, as numbers, or both.

use serde::de::{self, Deserializer, Visitor};

struct F64Visitor;

impl Visitor<'_> for F64Visitor {
    type Value = f64;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a number or a string holding a number")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        v.trim().parse::<f64>().map_err(|_| E::custom(format!("{v:?} is not a number")))
    }
}

/// `"1.5"` or `1.5` → 1.5. Use with `#[serde(deserialize_with = "num::f64")]`.
pub fn f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    d.deserialize_any(F64Visitor)
}

/// Like [`f64()`], but `""` and `null` give `None`.
pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a number, a string holding a number, an empty string or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            opt_f64(d)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.trim().is_empty() {
                return Ok(None);
            }
            F64Visitor.visit_str(v).map(Some)
        }
    }
    d.deserialize_any(V)
}

/// Epoch milliseconds as a number or a string → i64.
pub(crate) fn i64_ms<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = f64(d)?;
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 9e15 {
        Ok(v as i64)
    } else {
        Err(de::Error::custom(format!("{v} is not a whole number of milliseconds")))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(deserialize_with = "super::f64")]
        a: f64,
        #[serde(deserialize_with = "super::i64_ms")]
        t: i64,
        #[serde(default, deserialize_with = "super::opt_f64")]
        o: Option<f64>,
    }

    #[test]
    fn strings_and_numbers() {
        let x: T = serde_json::from_str(r#"{"a":"1.5","t":"1583127900000","o":""}"#).unwrap();
        assert_eq!((x.a, x.t, x.o), (1.5, 1_583_127_900_000, None));
        let y: T = serde_json::from_str(r#"{"a":2,"t":1583127900000,"o":"0.5"}"#).unwrap();
        assert_eq!((y.a, y.t, y.o), (2.0, 1_583_127_900_000, Some(0.5)));
        let z: T = serde_json::from_str(r#"{"a":1,"t":1}"#).unwrap();
        assert_eq!(z.o, None);
        assert!(serde_json::from_str::<T>(r#"{"a":"x","t":1}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"a":1,"t":1.5}"#).is_err());
    }
}

//! The one-pass reader held to the general one: every record of
//! `tests/fhir` (good and bad), with its members in order, with
//! `resourceType` last, reversed, and with elements of its resources
//! replaced by values of other shapes, gives the same mapping or the same
//! error whichever reader reads it; and the one-pass reader does read the
//! good records (so the comparison is not vacuous).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::map::{map, map_general};
use serde::de::{self, Deserialize, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::path::Path;

/// A JSON value that keeps the order of members (and duplicates).
#[derive(Clone, Debug)]
enum J {
    Text(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<J, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = J;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, v: bool) -> Result<J, E> {
                Ok(J::Text(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<J, E> {
                Ok(J::Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<J, E> {
                Ok(J::Text(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<J, E> {
                Ok(J::Text(serde_json::to_string(&v).unwrap()))
            }
            fn visit_str<E>(self, v: &str) -> Result<J, E> {
                Ok(J::Text(serde_json::to_string(v).unwrap()))
            }
            fn visit_unit<E>(self) -> Result<J, E> {
                Ok(J::Text("null".to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(J::Arr(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, J>()? {
                    out.push((k, v));
                }
                Ok(J::Obj(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl fmt::Display for J {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            J::Text(t) => f.write_str(t),
            J::Arr(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            J::Obj(members) => {
                f.write_str("{")?;
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}:{v}", serde_json::to_string(k).unwrap())?;
                }
                f.write_str("}")
            }
        }
    }
}

impl J {
    fn is_resource(&self) -> bool {
        matches!(self, J::Obj(m) if m.iter().any(|(k, v)| k == "resourceType" && !matches!(v, J::Text(t) if t == "\"Bundle\"")))
    }

    /// Every resource of a record (in Bundles or prefetch values).
    fn resources_mut(&mut self) -> Vec<&mut J> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'s>(&'s mut self, out: &mut Vec<&'s mut J>) {
        if self.is_resource() {
            out.push(self);
            return;
        }
        match self {
            J::Obj(members) => {
                for (_, v) in members {
                    v.collect(out);
                }
            }
            J::Arr(items) => {
                for v in items {
                    v.collect(out);
                }
            }
            J::Text(_) => {}
        }
    }
}

/// Puts an object's members in another order.
type Reorder = fn(&mut Vec<(String, J)>);

fn records() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fhir");
    let mut out = Vec::new();
    for sub in ["good", "bad"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".expected.json") || name == "expected.json" {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((format!("{sub}/{name}"), text));
            }
        }
    }
    out.sort();
    out
}

/// The mapping (or error) of `text` by both readers, which must agree.
fn both(name: &str, text: &str) -> Result<String, nettx::Error> {
    let fast = map(text).map(|m| format!("{}|{:?}", m.to_json(), m.patient()));
    let general = map_general(text).map(|m| format!("{}|{:?}", m.to_json(), m.patient()));
    assert_eq!(fast, general, "{name}: the readers disagree on\n{text}");
    in_request(name, text, &fast);
    let wrapped = format!("{{\"record\":{text}}}");
    let expected = map(&wrapped).map(|m| format!("{}|{:?}", m.to_json(), m.patient()));
    in_request(name, &wrapped, &expected);
    fast
}

/// A hook request around a prefetch object, its `prefetch` read as it is
/// parsed ([`crate::Prefetch`]).
#[derive(serde::Deserialize)]
struct Request<'a> {
    #[serde(borrow)]
    prefetch: Option<crate::Prefetch<'a>>,
}

/// `text` read as the `prefetch` of a request (between other members) maps
/// as `map` maps `text` (`expected`), or is left to `map`. Whether it was
/// read.
fn in_request(name: &str, text: &str, expected: &Result<String, nettx::Error>) -> bool {
    let request = format!("{{\"hook\":\"patient-view\",\"prefetch\":{text},\"z\":[1]}}");
    match serde_json::from_str::<Request<'_>>(&request) {
        Ok(Request {
            prefetch: Some(read),
        }) => {
            assert!(
                crate::onepass::read(text).is_some(),
                "{name}: read in a request only"
            );
            let got = read
                .map()
                .map(|m| format!("{}|{:?}", m.to_json(), m.patient()));
            assert_eq!(
                &got, expected,
                "{name}: read in a request, it maps otherwise"
            );
            true
        }
        Ok(Request { prefetch: None }) => false,
        // (Left to `map`, which is what a service then calls: a Bundle,
        // JSON errors, anything the one-pass reader leaves to the general
        // one, and a record nested within one level of the limit.)
        Err(_) => false,
    }
}

#[test]
fn a_prefetch_object_in_a_request_reads_as_the_record() {
    let (mut n, mut prefetch_objects) = (0, 0);
    for (name, text) in records() {
        if !name.starts_with("good/") {
            continue;
        }
        // A Bundle as the one value of a prefetch object; a prefetch
        // object as it is.
        let bundle =
            matches!(serde_json::from_str(&text), Ok(J::Obj(m)) if m[0].0 == "resourceType");
        let text = if bundle {
            format!("{{\"record\":{text}}}")
        } else {
            prefetch_objects += 1;
            text
        };
        let expected = map(&text).map(|m| format!("{}|{:?}", m.to_json(), m.patient()));
        assert!(expected.is_ok(), "{name}");
        assert!(
            in_request(&name, &text, &expected),
            "{name}: not read in a request"
        );
        n += 1;
    }
    assert!(n > 30 && prefetch_objects >= 2, "{n} {prefetch_objects}");
    // Keys in their order; a key twice, or `resourceType`, is left to `map`.
    let text = r#"{"patient":{"resourceType":"Patient","id":"p"},"conditions":null}"#;
    let request = format!("{{\"prefetch\":{text}}}");
    let read: Request<'_> = serde_json::from_str(&request).unwrap();
    let keys: Vec<&str> = read.prefetch.as_ref().unwrap().keys().collect();
    assert_eq!(keys, ["patient", "conditions"]);
    for bad in [
        r#"{"patient":null,"patient":null}"#,
        r#"{"resourceType":"Bundle"}"#,
        r#"{"patient":{"id":"p","resourceType":"Patient"}}"#,
    ] {
        let request = format!("{{\"prefetch\":{bad}}}");
        assert!(
            serde_json::from_str::<Request<'_>>(&request).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn the_one_pass_reader_reads_the_good_records() {
    for (name, text) in records() {
        if name.starts_with("good/") {
            assert!(crate::onepass::read(&text).is_some(), "{name}");
        }
    }
}

#[test]
fn both_readers_agree_on_every_record_in_any_member_order() {
    for (name, text) in records() {
        let first = both(&name, &text);
        let Ok(doc) = serde_json::from_str::<J>(&text) else {
            continue;
        };
        let orders: [(&str, Reorder); 2] = [
            ("resourceType last", |m| {
                m.sort_by_key(|(k, _)| k == "resourceType");
            }),
            ("reversed", |m| m.reverse()),
        ];
        for (how, order) in orders {
            let mut d = doc.clone();
            for r in d.resources_mut() {
                if let J::Obj(m) = r {
                    order(m);
                }
            }
            let text = d.to_string();
            let again = both(&format!("{name} ({how})"), &text);
            // Good records map alike in any order (errors may quote other places).
            if name.starts_with("good/") {
                assert_eq!(again, first, "{name} ({how})");
            }
        }
    }
}

#[test]
fn both_readers_agree_when_elements_change_shape() {
    let values = [
        "null",
        "1",
        "1e999",
        "\"x\"",
        "\"\\ud800\"",
        "[]",
        "{}",
        "[null]",
        "true",
        "{\"coding\":1}",
        "{\"coding\":[{\"system\":1}]}",
        "[{\"coding\":\"x\"}]",
        "{\"reference\":5}",
        "{\"value\":\"1\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm\"}",
        "{\"start\":1}",
        "{\"coding\":[{\"code\":\"a\",\"code\":\"b\"}]}",
    ];
    let mut n = 0;
    for (name, text) in records() {
        if !name.starts_with("good/") {
            continue;
        }
        let doc: J = serde_json::from_str(&text).unwrap();
        let count = doc.clone().resources_mut().len();
        for ri in 0..count {
            let mut d = doc.clone();
            let keys: Vec<String> = match &d.resources_mut()[ri] {
                J::Obj(m) => m.iter().map(|(k, _)| k.clone()).collect(),
                _ => continue,
            };
            for (ki, key) in keys.iter().enumerate() {
                // A few values per member (all of them over the records).
                for vi in 0..3 {
                    let v = values[(ri * 7 + ki * 3 + vi + n) % values.len()];
                    d = doc.clone();
                    if let J::Obj(m) = &mut d.resources_mut()[ri] {
                        m[ki].1 = J::Text(v.to_owned());
                    }
                    let _ = both(&format!("{name}: {key} = {v}"), &d.to_string());
                    n += 1;
                }
                // The member twice.
                d = doc.clone();
                if let J::Obj(m) = &mut d.resources_mut()[ri] {
                    let dup = m[ki].clone();
                    m.push(dup);
                }
                let _ = both(&format!("{name}: {key} twice"), &d.to_string());
            }
        }
    }
    assert!(n > 1000, "{n}");
}

/// How deep a JSON text nests (strings skipped).
fn depth(text: &str) -> usize {
    let (mut d, mut max, mut string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        match (string, b) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') => string = false,
            (true, _) => {}
            (false, b'"') => string = true,
            (false, b'[' | b'{') => {
                d += 1;
                max = max.max(d);
            }
            (false, b']' | b'}') => d -= 1,
            _ => {}
        }
    }
    max
}

#[test]
fn the_one_pass_reader_holds_records_to_the_nesting_limit() {
    let condition = r#"{"resourceType":"Condition","id":"p1","subject":{"reference":"Patient/pt1"},"clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"code":{"text":@TEXT@,"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"C7A.012","display":@DISPLAY@}]},"extension":[{"url":"http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior","valueCodeableConcept":@MORPH@,"extension":@EXT@}],"note":@NOTE@}"#;
    let observation = r#"{"resourceType":"Observation","id":"o1","status":"final","subject":{"reference":"Patient/pt1"},"code":{"coding":[{"system":"urn:nettx:case-fact","code":"metastatic"}]},"valueBoolean":@BOOL@,"valueQuantity":{"value":@VALUE@}}"#;
    let bundle = format!(
        r#"{{"resourceType":"Bundle","meta":@META@,"entry":[{{"resource":{{"resourceType":"Patient","id":"pt1","x":@PATIENT@}}}},{{"search":@SEARCH@,"resource":{condition}}},{{"resource":{observation}}},{{"resource":{{"resourceType":"Encounter","class":@CLASS@}}}}]}}"#
    );
    let prefetch = format!(
        r#"{{"patient":{{"resourceType":"Patient","id":"pt1","x":@PATIENT@}},"conditions":{{"resourceType":"Bundle","entry":[{{"resource":{condition}}}]}}}}"#
    );
    let places = [
        "@META@",
        "@PATIENT@",
        "@SEARCH@",
        "@TEXT@",
        "@DISPLAY@",
        "@MORPH@",
        "@EXT@",
        "@NOTE@",
        "@BOOL@",
        "@VALUE@",
        "@CLASS@",
    ];
    let mut checked = 0;
    for record in [&bundle, &prefetch] {
        for place in places {
            if !record.contains(place) {
                continue;
            }
            for k in 1..=128 {
                let mut text =
                    record.replace(place, &format!("{}{}", "[".repeat(k), "]".repeat(k)));
                for other in places {
                    text = text.replace(other, "null");
                }
                let d = depth(&text);
                if !(126..=129).contains(&d) {
                    continue;
                }
                let got = both(&format!("{place} at depth {d}"), &text);
                if d > 127 {
                    let e = got.expect_err(place);
                    assert!(
                        e.message().contains("nests arrays and objects more than"),
                        "{e}"
                    );
                } else {
                    assert!(
                        crate::onepass::read(&text).is_some(),
                        "{place} at depth {d}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 50, "{checked}");
}

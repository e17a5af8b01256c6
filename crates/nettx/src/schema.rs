//! JSON Schemas (draft 2020-12) of the case and of the evaluation, built from
//! the vocabularies of the types so that they cannot drift from the code. The
//! checked-in copies under `schemas/` are compared with these by a test.

use crate::knowledge::RuleId;
use crate::vocab::{
    Category, Code, Complication, DiseaseState, ErrorKind, Field, Goal, Histology, Intent, Site,
    Source, SsaResponse, Strength, Urgency, Vocabulary, WarningCode,
};
use serde_json::{json, Value};

const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

fn names<T: Vocabulary>() -> Vec<Value> {
    T::ALL.iter().map(|v| Value::from(v.as_str())).collect()
}

/// Names plus `"unknown"` and `null`, for the string facts with an unknown state.
fn names_or_unknown<T: Vocabulary>() -> Vec<Value> {
    let mut v = names::<T>();
    v.push(Value::from("unknown"));
    v.push(Value::Null);
    v
}

fn fact(description: &str) -> Value {
    json!({"type": ["boolean", "null"], "description": description})
}

/// Schema of the case (input).
pub fn case_schema() -> Value {
    json!({
        "$schema": DIALECT,
        "title": "nettx case",
        "description": "One patient with an intestinal neuroendocrine tumour. Every clinical field is optional: absent or null means unknown (and \"unknown\" too for histology and ssa_response). Unknown keys are rejected. At most 65536 bytes of JSON.",
        "type": "object",
        "additionalProperties": false,
        "required": ["primary_site"],
        "properties": {
            "case_id": {"type": ["string", "null"], "description": "Echoed in the output; at most 256 bytes of UTF-8."},
            "primary_site": {"enum": names::<Site>(), "description": "Site of the primary tumour (required)."},
            "histology": {"enum": names_or_unknown::<Histology>()},
            "tumor_size_cm": {"type": ["number", "null"], "minimum": crate::MIN_TUMOR_SIZE_CM, "maximum": crate::MAX_TUMOR_SIZE_CM, "description": "Largest diameter of the primary, in cm."},
            "local_spread": fact("Beyond the submucosa, or regional nodes / mesentery involved."),
            "metastatic": fact("Any distant metastasis."),
            "hepatic_metastases": fact("Liver metastases."),
            "extrahepatic_metastases": fact("Metastases outside the liver."),
            "metastases_resectable": fact("All metastatic disease judged resectable."),
            "carcinoid_syndrome": fact("The patient has carcinoid syndrome, controlled or not."),
            "complications": {"type": ["array", "null"], "items": {"enum": names::<Complication>()}, "description": "Tumour-related complications that occurred; absent or null means none; duplicates count once."},
            "ssa_response": {"enum": names_or_unknown::<SsaResponse>()},
        },
    })
}

fn stamp(first: &str) -> Value {
    let (required, properties) = if first == "id" {
        (
            vec![first, "version", "digest"],
            json!({first: {"type": "string"}, "version": {"type": "string"},
                   "digest": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}),
        )
    } else {
        (
            vec![first, "version"],
            json!({first: {"type": "string"}, "version": {"type": "string"}}),
        )
    };
    json!({"type": "object", "additionalProperties": false, "required": required, "properties": properties})
}

fn sources() -> Value {
    json!({"type": "array", "items": {"enum": names::<Source>()}})
}

/// Schema of the evaluation (output).
pub fn evaluation_schema() -> Value {
    let recommendation = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["code", "category", "strength", "intent", "urgency", "summary", "rationale", "sources"],
        "properties": {
            "code": {"enum": names::<Code>()},
            "category": {"enum": names::<Category>()},
            "strength": {"enum": names::<Strength>()},
            "intent": {"enum": names::<Intent>()},
            "urgency": {"enum": names::<Urgency>()},
            "summary": {"type": "string"},
            "rationale": {"type": "string"},
            "sources": sources(),
        },
    });
    let missing_fields: Vec<Value> = crate::knowledge::MISSING
        .iter()
        .map(|m| Value::from(m.field.as_str()))
        .collect();
    json!({
        "$schema": DIALECT,
        "title": "nettx evaluation",
        "description": "The guideline's recommendations for one case, with the basis of each. Decision support for a clinician.",
        "type": "object",
        "additionalProperties": false,
        "required": ["guideline", "engine", "case_digest", "in_scope", "disease_state", "goals", "recommendations", "missing", "warnings", "trace"],
        "properties": {
            "case_id": {"type": "string"},
            "guideline": stamp("id"),
            "engine": stamp("name"),
            "case_digest": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "in_scope": {"type": "boolean"},
            "disease_state": {"enum": names::<DiseaseState>()},
            "goals": {"type": "array", "items": {"enum": names::<Goal>()}, "uniqueItems": true},
            "recommendations": {"type": "array", "items": recommendation, "minItems": 1},
            "missing": {"type": "array", "uniqueItems": true, "items": {
                "type": "object", "additionalProperties": false, "required": ["field", "reason"],
                "properties": {"field": {"enum": missing_fields}, "reason": {"type": "string"}},
            }},
            "warnings": {"type": "array", "items": {
                "type": "object", "additionalProperties": false, "required": ["code", "message", "sources"],
                "properties": {"code": {"enum": names::<WarningCode>()}, "message": {"type": "string"}, "sources": sources()},
            }},
            "trace": {"type": "array", "items": {
                "type": "object", "additionalProperties": false, "required": ["rule", "fired", "detail"],
                "properties": {"rule": {"enum": names::<RuleId>()}, "fired": {"type": "boolean"}, "detail": {"type": "string"}},
            }},
        },
    })
}

/// Schema of the error document.
pub fn error_schema() -> Value {
    json!({
        "$schema": DIALECT,
        "title": "nettx error",
        "type": "object",
        "additionalProperties": false,
        "required": ["error"],
        "properties": {"error": {
            "type": "object", "additionalProperties": false, "required": ["kind", "message"],
            "properties": {
                "kind": {"enum": names::<ErrorKind>()},
                "field": {"type": "string", "description": format!("The offending field: one of {} or, for an unknown key, the key.", crate::vocab::join_names(Field::ALL, Field::as_str))},
                "message": {"type": "string"},
            },
        }},
    })
}

/// Pretty JSON text of a schema, as checked in under `schemas/`.
pub fn to_text(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

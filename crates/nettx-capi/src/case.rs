//! The typed case for C: `nettx_case`, its enums, and its conversion into a
//! core `Case` (every check is the core's).

use crate::util::{read_bounded, status_of, Failure, TooLong};
use nettx_core::{
    Case, CaseBuilder, Complication, Complications, EntryValue, Error, ErrorKind, Field,
    FieldValue, Histology, Site, SsaResponse, Vocabulary, MAX_CASE_ID_BYTES, MAX_CASE_JSON_BYTES,
};
use serde_json::Value;
use std::ffi::{c_char, c_int};

/// A yes/no fact of a case, with unknown as a state of its own.
///
/// `NETTX_FACT_UNKNOWN` is 0, so a zero-filled fact is unknown, never false.
/// Any other value is refused with `NETTX_ERR_FIELD`.
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_fact {
    /// Not known (JSON `null` or absent).
    Unknown = 0,
    /// Known to be false.
    False = 1,
    /// Known to be true.
    True = 2,
}

/// Where the primary tumour arose (values in the interface's order).
///
/// The site is required: `NETTX_SITE_NONE` (what `nettx_case_init` sets) is
/// refused with the same `field` error as a JSON case without `primary_site`.
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_site {
    /// No site given yet: evaluation fails with a `field` error on `primary_site`.
    None = -1,
    /// `duodenum`.
    Duodenum = 0,
    /// `jejunum`.
    Jejunum = 1,
    /// `ileum`.
    Ileum = 2,
    /// `small_intestine_unspecified`: small intestine, segment not recorded.
    SmallIntestineUnspecified = 3,
    /// `colon`.
    Colon = 4,
    /// `rectum`.
    Rectum = 5,
    /// `appendix` (outside the guideline's scope).
    Appendix = 6,
    /// `other`: any other site (outside the guideline's scope).
    Other = 7,
}

/// Differentiation of the tumour on histology.
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_histology {
    /// Not known (JSON `null`, absent or `"unknown"`).
    Unknown = -1,
    /// `well_differentiated`: well-differentiated neuroendocrine tumour.
    WellDifferentiated = 0,
    /// `poorly_differentiated`: poorly differentiated carcinoma (outside scope).
    PoorlyDifferentiated = 1,
}

/// A tumour-related complication. In `nettx_case.complications` each is one
/// bit: `1u << value`, also given as the `NETTX_COMPLICATION_BIT_*` macros.
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_complication {
    /// `bowel_obstruction`.
    BowelObstruction = 0,
    /// `bleeding`.
    Bleeding = 1,
    /// `perforation`.
    Perforation = 2,
    /// `intestinal_ischemia`.
    IntestinalIschemia = 3,
    /// `other`: any other tumour-related complication.
    Other = 4,
}

/// Bit of `NETTX_COMPLICATION_BOWEL_OBSTRUCTION` in `nettx_case.complications`.
pub const NETTX_COMPLICATION_BIT_BOWEL_OBSTRUCTION: u32 = 1 << 0;
/// Bit of `NETTX_COMPLICATION_BLEEDING` in `nettx_case.complications`.
pub const NETTX_COMPLICATION_BIT_BLEEDING: u32 = 1 << 1;
/// Bit of `NETTX_COMPLICATION_PERFORATION` in `nettx_case.complications`.
pub const NETTX_COMPLICATION_BIT_PERFORATION: u32 = 1 << 2;
/// Bit of `NETTX_COMPLICATION_INTESTINAL_ISCHEMIA` in `nettx_case.complications`.
pub const NETTX_COMPLICATION_BIT_INTESTINAL_ISCHEMIA: u32 = 1 << 3;
/// Bit of `NETTX_COMPLICATION_OTHER` in `nettx_case.complications`.
pub const NETTX_COMPLICATION_BIT_OTHER: u32 = 1 << 4;

/// Response of the patient's symptoms to a somatostatin analogue.
/// cbindgen:prefix-with-name
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nettx_ssa_response {
    /// Not known (JSON `null`, absent or `"unknown"`).
    Unknown = -1,
    /// `not_started`: no somatostatin analogue given yet.
    NotStarted = 0,
    /// `controlled`: symptoms controlled on the analogue.
    Controlled = 1,
    /// `symptoms_worsening`: symptoms worsening despite the analogue.
    SymptomsWorsening = 2,
    /// `intolerant`: the analogue is not tolerated.
    Intolerant = 3,
}

/// One case, the C form of the interface's case object: a plain struct the
/// caller owns (on the stack or anywhere), read by `nettx_evaluate` and never
/// kept.
///
/// Always start from `nettx_case_init`, which sets `struct_size`, no site and
/// every fact unknown; then set what is known. A struct that did not go through
/// `nettx_case_init` (`struct_size` 0) is refused with `NETTX_ERR_PARSE`: zero
/// is a real value of some enums, so a zero-filled struct is not an empty case.
///
/// The fields after `struct_size` follow the interface's table, with the same
/// meaning, limits and checks as JSON input. Only the values the enums name are
/// accepted: anything else is a `field` error, never guessed at.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct nettx_case {
    /// `sizeof(nettx_case)`, written by `nettx_case_init`: which layout of the
    /// struct the caller was built with. Do not change it.
    pub struct_size: u32,
    /// The caller's identifier, echoed in the evaluation: NULL for none, else a
    /// NUL-terminated UTF-8 string of at most 256 bytes (read during the call
    /// only; never more than 65,537 bytes of it are read).
    pub case_id: *const c_char,
    /// Site of the primary tumour (required; `NETTX_SITE_NONE` is refused).
    pub primary_site: nettx_site,
    /// Histology, or `NETTX_HISTOLOGY_UNKNOWN`.
    pub histology: nettx_histology,
    /// Whether `tumor_size_cm` holds the size; false means the size is unknown.
    pub has_tumor_size: bool,
    /// Largest diameter of the primary in cm, 0.01 to 30 (read only when
    /// `has_tumor_size`; NaN and infinities are refused).
    pub tumor_size_cm: f64,
    /// Beyond the submucosa, or regional nodes / mesentery involved.
    pub local_spread: nettx_fact,
    /// Any distant metastasis.
    pub metastatic: nettx_fact,
    /// Liver metastases.
    pub hepatic_metastases: nettx_fact,
    /// Metastases outside the liver.
    pub extrahepatic_metastases: nettx_fact,
    /// All metastatic disease judged resectable.
    pub metastases_resectable: nettx_fact,
    /// The patient has carcinoid syndrome, controlled or not.
    pub carcinoid_syndrome: nettx_fact,
    /// The complications that occurred: a bitwise OR of `NETTX_COMPLICATION_BIT_*`
    /// (0: none; a record, not a fact with an unknown state). Other bits are refused.
    pub complications: u32,
    /// Response to a somatostatin analogue, or `NETTX_SSA_RESPONSE_UNKNOWN`.
    pub ssa_response: nettx_ssa_response,
}

/// The memory of a `nettx_case` as C may have filled it: plain integers, so
/// that any value C wrote can be read and checked (a Rust enum holding a
/// value it does not name would be undefined behaviour).
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct RawCase {
    pub(crate) struct_size: u32,
    pub(crate) case_id: *const c_char,
    pub(crate) primary_site: i32,
    pub(crate) histology: i32,
    pub(crate) has_tumor_size: u8,
    pub(crate) tumor_size_cm: f64,
    pub(crate) local_spread: i32,
    pub(crate) metastatic: i32,
    pub(crate) hepatic_metastases: i32,
    pub(crate) extrahepatic_metastases: i32,
    pub(crate) metastases_resectable: i32,
    pub(crate) carcinoid_syndrome: i32,
    pub(crate) complications: u32,
    pub(crate) ssa_response: i32,
}

// `RawCase` must be `nettx_case`'s exact layout.
const _: () = {
    use std::mem::{align_of, offset_of, size_of};
    assert!(size_of::<RawCase>() == size_of::<nettx_case>());
    assert!(align_of::<RawCase>() == align_of::<nettx_case>());
    assert!(size_of::<bool>() == size_of::<u8>());
    assert!(size_of::<nettx_fact>() == 4 && size_of::<nettx_site>() == 4);
    assert!(size_of::<nettx_histology>() == 4 && size_of::<nettx_ssa_response>() == 4);
    assert!(offset_of!(nettx_case, struct_size) == 0);
    macro_rules! same_offset {
        ($($f:ident),*) => { $( assert!(offset_of!(RawCase, $f) == offset_of!(nettx_case, $f)); )* };
    }
    same_offset!(
        struct_size,
        case_id,
        primary_site,
        histology,
        has_tumor_size,
        tumor_size_cm,
        local_spread,
        metastatic,
        hepatic_metastases,
        extrahepatic_metastases,
        metastases_resectable,
        carcinoid_syndrome,
        complications,
        ssa_response
    );
};

/// The state `nettx_case_init` writes: no case_id, no site, every fact
/// unknown, no complications.
pub(crate) const CASE_INIT: nettx_case = nettx_case {
    struct_size: STRUCT_SIZE,
    case_id: std::ptr::null(),
    primary_site: nettx_site::None,
    histology: nettx_histology::Unknown,
    has_tumor_size: false,
    tumor_size_cm: 0.0,
    local_spread: nettx_fact::Unknown,
    metastatic: nettx_fact::Unknown,
    hepatic_metastases: nettx_fact::Unknown,
    extrahepatic_metastases: nettx_fact::Unknown,
    metastases_resectable: nettx_fact::Unknown,
    carcinoid_syndrome: nettx_fact::Unknown,
    complications: 0,
    ssa_response: nettx_ssa_response::Unknown,
};

/// `size_of::<nettx_case>()`, as `struct_size` holds it.
pub(crate) const STRUCT_SIZE: u32 = {
    let size = std::mem::size_of::<nettx_case>();
    assert!(size <= u32::MAX as usize);
    size as u32
};

/// Sets `*c` to the empty case: `struct_size` set, `case_id` NULL, `primary_site`
/// `NETTX_SITE_NONE`, histology, size, every fact and `ssa_response` unknown,
/// no complications. Call it first, then set what is known.
///
/// Returns `NETTX_OK`, or `NETTX_ERR_NULL_ARGUMENT` if `c` is NULL.
///
/// # Safety
///
/// `c` must be NULL or point to writable memory for one `nettx_case`.
#[no_mangle]
pub unsafe extern "C" fn nettx_case_init(c: *mut nettx_case) -> c_int {
    crate::util::guard(
        crate::util::code(crate::nettx_status::NETTX_ERR_PANIC),
        || {
            if c.is_null() {
                return crate::util::code(crate::nettx_status::NETTX_ERR_NULL_ARGUMENT);
            }
            // SAFETY: `c` is non-null and, by the caller's contract, points to
            // writable memory for one `nettx_case`; `write` does not read the
            // (possibly uninitialised) old value.
            unsafe { c.write(CASE_INIT) };
            crate::util::code(crate::nettx_status::NETTX_OK)
        },
    )
}

/// Reads the case at `c` as C laid it out: first its `struct_size` alone,
/// and the rest only if that is this library's layout, so that a smaller
/// struct (a caller built with another header) is never read past its end.
///
/// # Safety
///
/// `c` must be non-null and point to a readable, initialised `u32`
/// (`struct_size`) and, if that holds `STRUCT_SIZE`, to a readable,
/// initialised `nettx_case`.
pub(crate) unsafe fn read_raw(c: *const nettx_case) -> Result<RawCase, Failure> {
    // SAFETY: `struct_size` is the struct's first field (offset 0, checked at
    // compile time) and by the caller's contract readable and initialised;
    // any bit pattern is a valid u32.
    let struct_size = unsafe { c.cast::<u32>().read_unaligned() };
    if struct_size != STRUCT_SIZE {
        return Err(Failure::from(Error::new(
            ErrorKind::Parse,
            None,
            format!(
                "the nettx_case was not set up by nettx_case_init (struct_size is {struct_size}, expected {STRUCT_SIZE}); call nettx_case_init before filling it in"
            ),
        )));
    }
    // SAFETY: `struct_size` says this is a whole `nettx_case` of this
    // library's layout, readable and initialised by the caller's contract;
    // `RawCase` repeats that layout field for field (checked at compile time)
    // and every bit pattern of its integer fields is valid.
    Ok(unsafe { c.cast::<RawCase>().read_unaligned() })
}

/// The error the core's reader of `field` gives for `value` as JSON holds
/// it: so that a bad enum value in C gets the very message a bad JSON value
/// gets.
fn field_error(field: Field, value: Value) -> Failure {
    match field.read(EntryValue::Json(value)) {
        Err(e) => Failure::from(e),
        Ok(_) => Failure::from(Error::new(
            ErrorKind::Internal,
            Some(field.as_str()),
            format!("the value of {field} was refused by the C binding but accepted by the core (a bug); please report it"),
        )),
    }
}

/// A C enum value as the core's value: `unknown` (if the enum has one) is
/// `None`; a value the enum does not name is the core's `field` error for it.
fn vocabulary_value<T: Vocabulary>(
    value: i32,
    unknown: Option<i32>,
    field: Field,
) -> Result<Option<T>, Failure> {
    if Some(value) == unknown {
        return Ok(None);
    }
    usize::try_from(value)
        .ok()
        .and_then(|i| T::ALL.get(i).copied())
        .map(Some)
        .ok_or_else(|| field_error(field, Value::from(value)))
}

fn fact(value: i32, field: Field) -> Result<Option<bool>, Failure> {
    match value {
        0 => Ok(None),
        1 => Ok(Some(false)),
        2 => Ok(Some(true)),
        other => Err(field_error(field, Value::from(other))),
    }
}

/// Reads `case_id`: UTF-8, within the limits (the core's message for one
/// over 256 bytes).
///
/// # Safety
///
/// `ptr` must be NULL or a NUL-terminated string (see `nettx_case.case_id`).
unsafe fn case_id(ptr: *const c_char) -> Result<Option<String>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: `ptr` is non-null and NUL-terminated by the caller's contract;
    // the bytes are copied into a `String` before the call returns.
    let bytes = match unsafe { read_bounded(ptr, MAX_CASE_JSON_BYTES) } {
        Ok(bytes) => bytes,
        Err(TooLong) => {
            return Err(Failure::from(Error::new(
                ErrorKind::Field,
                Some(Field::CaseId.as_str()),
                format!(
                    "case_id must be at most {MAX_CASE_ID_BYTES} bytes of UTF-8, got more than {MAX_CASE_JSON_BYTES} bytes; use a shorter identifier"
                ),
            )))
        }
    };
    let id = match std::str::from_utf8(bytes) {
        Ok(id) => id.to_owned(),
        Err(e) => {
            return Err(Failure::from(Error::new(
                ErrorKind::Field,
                Some(Field::CaseId.as_str()),
                format!(
                    "case_id is not valid UTF-8 (first bad byte at offset {}); send the identifier as UTF-8",
                    e.valid_up_to()
                ),
            )))
        }
    };
    // The core's check and message.
    match Field::CaseId.read(EntryValue::Json(Value::String(id)))? {
        FieldValue::CaseId(id) => Ok(id),
        _ => Err(Failure::from(Error::new(
            ErrorKind::Internal,
            Some(Field::CaseId.as_str()),
            "case_id was read as a value of another kind (a bug); please report it",
        ))),
    }
}

/// Builds the core's case from C's, checking the fields in the interface's
/// table order and then the contradictions, so that the first problem is the
/// one JSON input would report.
///
/// # Safety
///
/// `raw.case_id` must be NULL or a NUL-terminated string.
pub(crate) unsafe fn to_core(raw: &RawCase) -> Result<Case, Failure> {
    // (`struct_size` was checked by `read_raw`.)
    // SAFETY: forwarded from this function's contract.
    let case_id = unsafe { case_id(raw.case_id) }?;
    if raw.primary_site == nettx_site::None as i32 {
        // The core's message for a missing site (case_id was checked above).
        return Err(field_error(Field::PrimarySite, Value::Null));
    }
    let site = vocabulary_value::<Site>(raw.primary_site, None, Field::PrimarySite)?;
    let histology = vocabulary_value::<Histology>(
        raw.histology,
        Some(nettx_histology::Unknown as i32),
        Field::Histology,
    )?;
    let size = (raw.has_tumor_size != 0).then_some(raw.tumor_size_cm);
    if let Some(size) = size {
        // The core's range check and message (NaN and infinities fail it),
        // through the typed builder: it shows a double as typed code holds
        // it (`-2`), where the JSON reader shows how the number was written
        // (`-2.0` for a float).
        if let Err(e) = CaseBuilder::new()
            .primary_site(site)
            .tumor_size_cm(size)
            .build()
        {
            return Err(Failure::from(e));
        }
    }
    let local_spread = fact(raw.local_spread, Field::LocalSpread)?;
    let metastatic = fact(raw.metastatic, Field::Metastatic)?;
    let hepatic = fact(raw.hepatic_metastases, Field::HepaticMetastases)?;
    let extrahepatic = fact(raw.extrahepatic_metastases, Field::ExtrahepaticMetastases)?;
    let resectable = fact(raw.metastases_resectable, Field::MetastasesResectable)?;
    let syndrome = fact(raw.carcinoid_syndrome, Field::CarcinoidSyndrome)?;
    let all_bits = (1u32 << Complication::ALL.len()) - 1;
    if raw.complications & !all_bits != 0 {
        return Err(field_error(
            Field::Complications,
            Value::from(raw.complications),
        ));
    }
    let complications: Complications = Complication::ALL
        .iter()
        .copied()
        .filter(|c| raw.complications & (1 << c.index()) != 0)
        .collect();
    let ssa_response = vocabulary_value::<SsaResponse>(
        raw.ssa_response,
        Some(nettx_ssa_response::Unknown as i32),
        Field::SsaResponse,
    )?;
    CaseBuilder::new()
        .case_id(case_id)
        .primary_site(site)
        .histology(histology)
        .tumor_size_cm(size)
        .local_spread(local_spread)
        .metastatic(metastatic)
        .hepatic_metastases(hepatic)
        .extrahepatic_metastases(extrahepatic)
        .metastases_resectable(resectable)
        .carcinoid_syndrome(syndrome)
        .complications(complications)
        .ssa_response(ssa_response)
        .build()
        .map_err(|e| Failure {
            status: status_of(&e),
            error: e,
        })
}

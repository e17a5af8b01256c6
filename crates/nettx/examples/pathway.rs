//! Draws the pathway of the guideline, or of one case given as JSON, in a
//! format: `cargo run -p nettx --example pathway -- svg '{"primary_site":"ileum"}'`.

use nettx::pathway::{Pathway, PathwayFormat};
use nettx::{Case, Guideline};

fn main() -> Result<(), nettx::Error> {
    let mut args = std::env::args().skip(1);
    let format = args.next().unwrap_or_else(|| "svg".to_owned());
    let format = PathwayFormat::from_name(&format).unwrap_or(PathwayFormat::Svg);
    let pathway = match args.next() {
        Some(json) => Pathway::of(&nettx::evaluate(&Case::from_json(&json)?)),
        None => Pathway::new(Guideline::builtin()),
    };
    print!("{}", pathway.render(format)?);
    Ok(())
}

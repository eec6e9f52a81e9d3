//! `check`'s diagnostics as LSP diagnostics, grouped by the file they are
//! in: the bare code (`unknown-deal`), `funnel` as the source, the span as
//! a range in UTF-16 columns, the related labels as related information,
//! and the `help:` line after the message.

use std::collections::BTreeMap;

use funnel_ledger::{Checked, Severity};
use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri};

use super::documents::View;

/// Every file of the ledger with its diagnostics, an empty list for a
/// file that has none (publishing it clears what the editor showed).
pub fn by_file(
    checked: &Checked,
    views: &[Option<View<'_>>],
) -> BTreeMap<Uri, Vec<lsp_types::Diagnostic>> {
    let mut files: BTreeMap<Uri, Vec<lsp_types::Diagnostic>> = views
        .iter()
        .flatten()
        .map(|view| (view.uri.clone(), Vec::new()))
        .collect();
    for diagnostic in &checked.diagnostics {
        let Some(view) = view_of(views, diagnostic.span.file) else {
            continue;
        };
        let related: Vec<DiagnosticRelatedInformation> = diagnostic
            .related()
            .iter()
            .filter_map(|label| {
                let view = view_of(views, label.span.file)?;
                Some(DiagnosticRelatedInformation {
                    location: Location::new(
                        view.uri.clone(),
                        view.index.model_range(label.span.range()),
                    ),
                    message: label.message.clone(),
                })
            })
            .collect();
        let mut message = diagnostic.message().into_owned();
        if let Some(help) = diagnostic.help() {
            message.push_str("\nhelp: ");
            message.push_str(&help);
        }
        let converted = lsp_types::Diagnostic {
            range: view.index.model_range(diagnostic.span.range()),
            severity: Some(match diagnostic.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(diagnostic.code.as_str().to_owned())),
            source: Some("funnel".to_owned()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..lsp_types::Diagnostic::default()
        };
        files.entry(view.uri.clone()).or_default().push(converted);
    }
    files
}

fn view_of<'v, 'a>(
    views: &'v [Option<View<'a>>],
    file: funnel_ledger::FileId,
) -> Option<&'v View<'a>> {
    views.get(file.0 as usize)?.as_ref()
}

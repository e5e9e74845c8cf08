// Package pe edits PE/COFF images the way systemd's ukify does when it turns a
// systemd-stub into a UKI: append sections after the last one, replace a section's data
// in place, and fix up the headers. It never moves existing section data, so the stub's
// code and relocations stay byte-identical.
//
// Layout references: Microsoft PE/COFF specification (COFF file header, optional header,
// section table) and ukify's pe_add_sections (systemd v254).
package pe

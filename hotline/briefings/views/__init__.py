"""The briefing pages: the archive with on-demand generation and the typical cases, the printable view
and the Word download."""

/*
 * formats.h - what the report formats share, inside src/report/: one file
 * per format (format_text.c, format_json.c, format_junit.c,
 * format_html.c), each a
 * writer named in LC_FORMAT_MAP (report.h). Adding a format is a row there
 * and its file here.
 */
#ifndef LC_FORMATS_H
#define LC_FORMATS_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"

/* "INT" for SIGINT. */
const char *lc_report_signal_abbrev(int sig);

/* Length of the valid UTF-8 sequence at s, or 0 when it is invalid. */
size_t lc_report_utf8_len(const unsigned char *s);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Minimal JSON output: strings escaped per RFC 8259, nothing else. */
#ifndef LSMGUARD_JSON_H
#define LSMGUARD_JSON_H

#include <stdio.h>

/* Write s as a JSON string, quotes included; bytes that are not valid UTF-8 become \u00XX. */
void json_string(FILE *out, const char *s);

#endif

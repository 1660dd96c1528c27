/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one JSON writer of the command (events, show --json, status --json, explain --json, the
 * daemon's ready and reload lines), and the one reader of the event lines `learn` reads back.
 *
 * The writer is compact (no spaces, one document per call sequence) and puts the commas itself:
 *
 *	json_init(&w, stdout);
 *	json_object_start(&w);
 *	json_string_field(&w, "name", name);
 *	json_uint_field(&w, "id", id);
 *	json_object_end(&w);
 *	json_newline(&w);
 *
 * Strings are escaped per RFC 8259: '"', '\\', newline and tab by their short escapes, other
 * control bytes, DEL and bytes that are not valid UTF-8 as \u00XX (so that a path of any bytes
 * gives valid JSON, and json_read_field gives the bytes back).
 */
#ifndef LSMGUARD_JSON_H
#define LSMGUARD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json_writer {
	FILE *out;
	bool comma; /* a value was written in the current object or array: a comma goes next */
};

void json_init(struct json_writer *w, FILE *out);
void json_object_start(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_start(struct json_writer *w);
void json_array_end(struct json_writer *w);
/* The name of the next member of an object; its value follows. */
void json_name(struct json_writer *w, const char *name);
/* Values. */
void json_string(struct json_writer *w, const char *s);
void json_uint(struct json_writer *w, unsigned long long value);
void json_int(struct json_writer *w, long long value);
void json_bool(struct json_writer *w, bool value);
void json_null(struct json_writer *w);
/* A number with a fixed count of decimals ("%.*f"). */
void json_fixed(struct json_writer *w, double value, int decimals);
/* Members: a name and its value. */
void json_string_field(struct json_writer *w, const char *name, const char *s);
void json_uint_field(struct json_writer *w, const char *name, unsigned long long value);
void json_int_field(struct json_writer *w, const char *name, long long value);
void json_bool_field(struct json_writer *w, const char *name, bool value);
void json_null_field(struct json_writer *w, const char *name);
void json_fixed_field(struct json_writer *w, const char *name, double value, int decimals);
/* Ends a line of JSON lines (or a document) with a newline. */
void json_newline(struct json_writer *w);

/*
 * The value of member name in a flat JSON object on one line (an event line): a string with its
 * escapes undone, or the text of a number, true, false or null. False when the line is not a
 * flat object, has no such member, or the value does not fit in size bytes.
 */
bool json_read_field(const char *line, const char *name, char *out, size_t size);

#endif

// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>

#include "json.h"

/* Length of the valid UTF-8 sequence at s, or 0. */
static int utf8_length(const unsigned char *s)
{
	int len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	for (int i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* The one escaper: str as a JSON string, quotes included. */
static void write_escaped(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', out);
	while (*s) {
		int len;

		switch (*s) {
		case '"':
			fputs("\\\"", out);
			s++;
			continue;
		case '\\':
			fputs("\\\\", out);
			s++;
			continue;
		case '\n':
			fputs("\\n", out);
			s++;
			continue;
		case '\t':
			fputs("\\t", out);
			s++;
			continue;
		}
		len = utf8_length(s);
		if (*s < 0x20 || *s == 0x7f || len == 0) {
			fprintf(out, "\\u%04x", *s);
			s++;
			continue;
		}
		fwrite(s, 1, (size_t)len, out);
		s += len;
	}
	fputc('"', out);
}

void json_init(struct json_writer *w, FILE *out)
{
	w->out = out;
	w->comma = false;
}

/* Before a value or a member: the comma that separates it from the one before. */
static void separate(struct json_writer *w)
{
	if (w->comma)
		fputc(',', w->out);
	w->comma = true;
}

void json_object_start(struct json_writer *w)
{
	separate(w);
	fputc('{', w->out);
	w->comma = false;
}

void json_object_end(struct json_writer *w)
{
	fputc('}', w->out);
	w->comma = true;
}

void json_array_start(struct json_writer *w)
{
	separate(w);
	fputc('[', w->out);
	w->comma = false;
}

void json_array_end(struct json_writer *w)
{
	fputc(']', w->out);
	w->comma = true;
}

void json_name(struct json_writer *w, const char *name)
{
	separate(w);
	write_escaped(w->out, name);
	fputc(':', w->out);
	w->comma = false; /* the value follows the colon */
}

void json_string(struct json_writer *w, const char *s)
{
	separate(w);
	write_escaped(w->out, s);
}

void json_uint(struct json_writer *w, unsigned long long value)
{
	separate(w);
	fprintf(w->out, "%llu", value);
}

void json_int(struct json_writer *w, long long value)
{
	separate(w);
	fprintf(w->out, "%lld", value);
}

void json_bool(struct json_writer *w, bool value)
{
	separate(w);
	fputs(value ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
	separate(w);
	fputs("null", w->out);
}

void json_fixed(struct json_writer *w, double value, int decimals)
{
	separate(w);
	fprintf(w->out, "%.*f", decimals, value);
}

void json_string_field(struct json_writer *w, const char *name, const char *s)
{
	json_name(w, name);
	json_string(w, s);
}

void json_uint_field(struct json_writer *w, const char *name, unsigned long long value)
{
	json_name(w, name);
	json_uint(w, value);
}

void json_int_field(struct json_writer *w, const char *name, long long value)
{
	json_name(w, name);
	json_int(w, value);
}

void json_bool_field(struct json_writer *w, const char *name, bool value)
{
	json_name(w, name);
	json_bool(w, value);
}

void json_null_field(struct json_writer *w, const char *name)
{
	json_name(w, name);
	json_null(w);
}

void json_fixed_field(struct json_writer *w, const char *name, double value, int decimals)
{
	json_name(w, name);
	json_fixed(w, value, decimals);
}

void json_newline(struct json_writer *w)
{
	fputc('\n', w->out);
	w->comma = false;
}

/* ---- the reader of event lines ---- */

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

/*
 * The string at *p (at its opening quote) with its escapes undone, into out (NULL: skip it).
 * \u00XX stands for the byte XX, as the writer escapes bytes; a wider code point or \u0000 is
 * refused. False on a syntax error; *fits is cleared when out was too small.
 */
static bool read_string(const char **p, char *out, size_t size, bool *fits)
{
	const char *s = *p + 1;
	size_t n = 0;

	for (; *s != '"'; s++) {
		unsigned value;
		char c = *s;

		if (c == '\0' || (unsigned char)c < 0x20)
			return false;
		if (c == '\\') {
			switch (*++s) {
			case '"':
			case '\\':
			case '/':
				c = *s;
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u':
				value = 0;
				for (int i = 1; i <= 4; i++) {
					char h = s[i];

					value <<= 4;
					if (h >= '0' && h <= '9')
						value |= (unsigned)(h - '0');
					else if (h >= 'a' && h <= 'f')
						value |= (unsigned)(h - 'a' + 10);
					else if (h >= 'A' && h <= 'F')
						value |= (unsigned)(h - 'A' + 10);
					else
						return false;
				}
				if (value == 0 || value > 0xff)
					return false;
				c = (char)value;
				s += 4;
				break;
			default:
				return false;
			}
		}
		if (out) {
			if (n + 1 < size)
				out[n++] = c;
			else
				*fits = false;
		}
	}
	if (out && size)
		out[n] = '\0';
	*p = s + 1;
	return true;
}

bool json_read_field(const char *line, const char *name, char *out, size_t size)
{
	const char *p = skip_space(line);
	bool found = false;

	if (*p++ != '{' || size == 0)
		return false;
	p = skip_space(p);
	if (*p == '}')
		return false;
	for (;;) {
		char key[64];
		bool key_fits = true, fits = true, wanted;

		if (*p != '"' || !read_string(&p, key, sizeof(key), &key_fits))
			return false;
		wanted = !found && key_fits && strcmp(key, name) == 0;
		p = skip_space(p);
		if (*p++ != ':')
			return false;
		p = skip_space(p);
		if (*p == '"') {
			if (!read_string(&p, wanted ? out : NULL, size, &fits))
				return false;
		} else if (*p == '{' || *p == '[') {
			return false; /* not a flat object */
		} else {
			size_t n = 0;

			while (*p && !strchr(",} \t\r\n\"", *p)) {
				if (wanted && n + 1 < size)
					out[n] = *p;
				else if (wanted)
					fits = false;
				n++;
				p++;
			}
			if (n == 0)
				return false;
			if (wanted && fits)
				out[n] = '\0';
		}
		if (wanted) {
			if (!fits)
				return false;
			found = true;
		}
		p = skip_space(p);
		if (*p == '}')
			break;
		if (*p++ != ',')
			return false;
		p = skip_space(p);
	}
	return found && *skip_space(p + 1) == '\0';
}

// SPDX-License-Identifier: GPL-2.0-only
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

void json_string(FILE *out, const char *str)
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

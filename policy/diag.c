// SPDX-License-Identifier: GPL-2.0-only
/* Diagnostics: messages collected for the caller, never printed here. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

void lg_diag_add(struct lg_diag *diag, enum lg_severity severity, const char *file, unsigned line,
		 const char *fmt, ...)
{
	struct lg_diag_msg *msg;
	char *text, *file_copy = NULL;
	va_list ap;

	if (!diag)
		return;
	/* Counted first: a message that cannot be stored must still fail the run. */
	if (severity == LG_SEV_ERROR)
		diag->errors++;
	else
		diag->warnings++;
	if (diag->count == diag->cap) {
		size_t cap = diag->cap ? diag->cap * 2 : 8;
		struct lg_diag_msg *msgs = realloc(diag->msgs, cap * sizeof(*msgs));

		if (!msgs)
			goto out_lost;
		diag->msgs = msgs;
		diag->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		goto out_lost;
	if (file) {
		file_copy = strdup(file);
		if (!file_copy) {
			free(text);
			goto out_lost;
		}
	}
	msg = &diag->msgs[diag->count++];
	msg->severity = severity;
	msg->file = file_copy;
	msg->line = line;
	msg->text = text;
	return;

out_lost:
	diag->lost++;
}

void lg_diag_out_of_memory(struct lg_diag *diag, const char *file)
{
	lg_diag_add(diag, LG_SEV_ERROR, file, 0, "out of memory");
}

const char *lg_diag_format(const struct lg_diag_msg *msg, char *buf, size_t size)
{
	const char *sev = msg->severity == LG_SEV_ERROR ? "error" : "warning";

	if (msg->file && msg->line)
		snprintf(buf, size, "%s:%u: %s: %s", msg->file, msg->line, sev, msg->text);
	else if (msg->file)
		snprintf(buf, size, "%s: %s: %s", msg->file, sev, msg->text);
	else
		snprintf(buf, size, "%s: %s", sev, msg->text);
	return buf;
}

void lg_diag_free(struct lg_diag *diag)
{
	for (size_t i = 0; i < diag->count; i++) {
		free(diag->msgs[i].file);
		free(diag->msgs[i].text);
	}
	free(diag->msgs);
	memset(diag, 0, sizeof(*diag));
}

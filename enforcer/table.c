// SPDX-License-Identifier: GPL-2.0-only
/* A text table sized to its content (table.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

int lg_table_init(struct lg_table *table, size_t columns, const char *const *headers,
		  const bool *right)
{
	memset(table, 0, sizeof(*table));
	if (columns == 0 || columns > LG_TABLE_MAX_COLUMNS)
		return -EINVAL;
	table->columns = columns;
	for (size_t c = 0; c < columns; c++) {
		table->headers[c] = headers[c] ? headers[c] : "";
		table->right[c] = right && right[c];
	}
	return 0;
}

int lg_table_add(struct lg_table *table, const char *const *cells)
{
	size_t first = table->rows * table->columns;

	if (table->rows == table->capacity) {
		size_t capacity = table->capacity ? 2 * table->capacity : 8;
		char **bigger = realloc(table->cells, capacity * table->columns * sizeof(*bigger));

		if (!bigger)
			return -ENOMEM;
		table->cells = bigger;
		table->capacity = capacity;
	}
	for (size_t c = 0; c < table->columns; c++) {
		table->cells[first + c] = strdup(cells[c] ? cells[c] : "");
		if (!table->cells[first + c]) {
			while (c--)
				free(table->cells[first + c]);
			return -ENOMEM;
		}
	}
	table->rows++;
	return 0;
}

static void print_row(const struct lg_table *table, const char *const *cells,
		      const size_t *width, FILE *out)
{
	for (size_t c = 0; c < table->columns; c++) {
		bool last = c + 1 == table->columns;
		int w = (int)width[c];

		if (table->right[c])
			fprintf(out, "%*s", w, cells[c]);
		else
			fprintf(out, "%-*s", last ? 0 : w, cells[c]);
		fputs(last ? "\n" : "  ", out);
	}
}

void lg_table_print(const struct lg_table *table, FILE *out)
{
	size_t width[LG_TABLE_MAX_COLUMNS] = {0};

	for (size_t c = 0; c < table->columns; c++) {
		width[c] = strlen(table->headers[c]);
		for (size_t r = 0; r < table->rows; r++) {
			size_t len = strlen(table->cells[r * table->columns + c]);

			if (len > width[c])
				width[c] = len;
		}
	}
	print_row(table, table->headers, width, out);
	for (size_t r = 0; r < table->rows; r++)
		print_row(table, (const char *const *)&table->cells[r * table->columns], width, out);
}

void lg_table_free(struct lg_table *table)
{
	for (size_t i = 0; i < table->rows * table->columns; i++)
		free(table->cells[i]);
	free(table->cells);
	memset(table, 0, sizeof(*table));
}

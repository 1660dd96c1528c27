/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A text table whose columns are as wide as their widest cell (`lsmguard status`): nothing is
 * cut, no column runs into the next.
 */
#ifndef LSMGUARD_TABLE_H
#define LSMGUARD_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define LG_TABLE_MAX_COLUMNS 16

struct lg_table {
	size_t columns;
	const char *headers[LG_TABLE_MAX_COLUMNS];
	bool right[LG_TABLE_MAX_COLUMNS]; /* numbers: aligned to the right */
	char **cells;                     /* rows * columns, copies */
	size_t rows, capacity;
};

/* A table of columns (at most LG_TABLE_MAX_COLUMNS) with these headers; right[i] aligns
 * column i to the right (NULL: none). 0, or -EINVAL. */
int lg_table_init(struct lg_table *table, size_t columns, const char *const *headers,
		  const bool *right);
/* Add a row of table->columns cells (NULL: empty), copied. 0, or -ENOMEM. */
int lg_table_add(struct lg_table *table, const char *const *cells);
/* The headers and rows, each column as wide as its widest cell, two spaces between columns,
 * the last column not padded. */
void lg_table_print(const struct lg_table *table, FILE *out);
void lg_table_free(struct lg_table *table);

#endif

// SPDX-License-Identifier: GPL-2.0-only
/* The small static program the benchmark executes. */
int main(void)
{
	return 0;
}

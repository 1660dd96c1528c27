// SPDX-License-Identifier: GPL-2.0-only
/* The unit tests' main: the shared runner (tests/harness/harness.c), the unit suite's limits. */
#include "harness.h"

int main(int argc, char **argv)
{
	static const struct harness_suite unit = {
		.name = "unit",
		.timeout_s = 30,
		.hard_timeout_s = 60,
	};

	return harness_main(&unit, argc, argv);
}

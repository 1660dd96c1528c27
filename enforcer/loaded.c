// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "canary.h"
#include "loaded.h"

const struct lg_policy *lg_set_policy(const struct lg_policy_set *set, const struct lg_compiled *c,
				      __u32 id)
{
	long index = c ? lg_policy_index(c, id) : -1;

	if (index < 0 || (size_t)index >= set->count)
		return NULL;
	return set->policies[index];
}

const struct lg_policy *lg_loaded_policy(const struct lg_loaded *loaded, __u32 id,
					 const struct lg_compiled **compiled)
{
	const struct lg_loaded_set *s;
	const struct lg_policy *p;

	if (!lg_id_in_bank(id, 0) && !lg_id_in_bank(id, 1))
		return NULL;
	s = &loaded->bank[lg_id_in_bank(id, 1)];
	p = lg_set_policy(&s->set, s->compiled, id);
	if (p && compiled)
		*compiled = s->compiled;
	return p;
}

bool lg_policy_is_canary(const struct lg_policy *p)
{
	return strcmp(p->name, LG_CANARY_NAME) == 0;
}

const struct lg_policy *lg_loaded_next(const struct lg_loaded_set *s, size_t *index, __u32 *id)
{
	if (!s->compiled)
		return NULL;
	for (; *index < s->set.count; (*index)++) {
		const struct lg_policy *p = s->set.policies[*index];

		if (!lg_policy_is_canary(p)) {
			*id = lg_policy_id(s->compiled, *index);
			return p;
		}
	}
	return NULL;
}

size_t lg_loaded_count(const struct lg_loaded_set *s)
{
	const struct lg_policy *p;
	size_t i, count = 0;
	__u32 id;

	lg_loaded_for_each(s, i, p, id)
		count++;
	return count;
}

void lg_loaded_set_free(struct lg_loaded_set *s)
{
	lg_compiled_free(s->compiled);
	lg_policy_set_free(&s->set);
	s->compiled = NULL;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The compiler: a validated policy set becomes the map records of include/lsmguard_abi.h.
 *
 * Specificity is resolved here, once, so the kernel only has to find the deepest key on the
 * object's path (files, exec) or the longest prefix (network):
 *  - rules on the same path merge into the four slots of one lg_path_value; within a slot,
 *    deny beats allow (and allow-read fills the write slot with deny);
 *  - rules on the same prefix are ordered narrowest port range first, a named protocol before
 *    both, deny before allow, so the first rule that matches in the kernel is the winner.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "policy.h"

struct path_item {
	struct lg_path_key key;
	const char *path;
	const char *file;
	unsigned line;
	unsigned slot;
	__u32 rule;
	bool deny;
};

struct net_item {
	struct lg_net_key key;
	struct lg_net_port_rule port;
	const char *file;
	unsigned line;
};

struct compiler {
	const struct lg_policy_set *set;
	struct lg_compiled *out;
	struct lg_diag *diag;
	bool report_collision; /* else the caller draws another seed and tries again */
	struct path_item *path_items;
	size_t path_item_count, path_item_cap;
	struct net_item *net_items;
	size_t net_item_count, net_item_cap;
	size_t rule_cap;
	size_t beneath_cap;
	size_t deny_filter_cap;
	struct marker *markers; /* open addressing: the markers made so far */
	size_t marker_count, marker_cap;
	char **texts; /* abstract names as rules write them: the path items' names */
	size_t text_count, text_cap;
};

__u64 (*lg_test_rule_hash)(__u64 seed, const char *path);

static __u64 rule_hash(__u64 seed, const char *path)
{
	return lg_test_rule_hash ? lg_test_rule_hash(seed, path) : lg_path_hash(seed, path);
}

static int push(void **array, size_t *count, size_t *cap, size_t elem, const void *item)
{
	if (*count == *cap) {
		size_t bigger = *cap ? *cap * 2 : 64;
		void *grown = realloc(*array, bigger * elem);

		if (!grown)
			return -ENOMEM;
		*array = grown;
		*cap = bigger;
	}
	memcpy((char *)*array + *count * elem, item, elem);
	(*count)++;
	return 0;
}

/* A block of the compiled set's texts: the rules' objects, packed; never moved once written. */
struct lg_text_block {
	struct lg_text_block *next;
	size_t used, size;
	char text[];
};

#define LG_TEXT_BLOCK (64 * 1024)

/* text (up to max - 1 bytes of it) copied into out's texts; NULL when out of memory. */
static const char *keep_text_max(struct lg_compiled *out, const char *text, size_t max)
{
	size_t len = strnlen(text, max - 1) + 1;
	struct lg_text_block *block = out->texts;
	char *kept;

	if (!block || block->size - block->used < len) {
		block = malloc(sizeof(*block) + LG_TEXT_BLOCK);
		if (!block)
			return NULL;
		block->next = out->texts;
		block->used = 0;
		block->size = LG_TEXT_BLOCK;
		out->texts = block;
	}
	kept = block->text + block->used;
	memcpy(kept, text, len - 1);
	kept[len - 1] = '\0';
	block->used += len;
	return kept;
}

/* A rule's object text, as events and explain show it (LG_RULE_OBJECT_MAX). */
static const char *keep_text(struct lg_compiled *out, const char *text)
{
	return keep_text_max(out, text, LG_RULE_OBJECT_MAX);
}

/* A rule of src, whose object is the text object (copied): its id in *id. */
static int new_rule(struct compiler *cc, const struct lg_rule_source *src, const char *object,
		    __u32 *id)
{
	struct lg_compiled *out = cc->out;
	struct lg_rule_source rule = *src;
	int ret;

	rule.id = (__u32)out->rule_count + 1;
	rule.object = keep_text(out, object);
	if (!rule.object)
		return -ENOMEM;
	ret = push((void **)&out->rules, &out->rule_count, &cc->rule_cap, sizeof(rule), &rule);
	if (!ret)
		*id = rule.id;
	return ret;
}

/* [exec] anonymous: deny unless the policy says allow. */
static int add_anonymous(struct compiler *cc, const struct lg_policy *p, __u32 policy_id,
			 struct lg_policy_value *value)
{
	const struct lg_section *sec = &p->section[LG_CLASS_EXEC];
	struct lg_rule_source src = {
		.policy = policy_id,
		.kind = LG_RULE_ANONYMOUS,
		.class = LG_CLASS_EXEC,
		.action = sec->anonymous_set ? sec->anonymous_action : LG_ACT_DENY,
		.file = p->file,
		.line = sec->anonymous_set ? sec->anonymous_line
			: sec->present ? sec->line
				       : p->policy_line,
	};

	if (src.action == LG_ACT_ALLOW)
		value->flags |= LG_POLICY_EXEC_ANONYMOUS;
	return new_rule(cc, &src,
			sec->anonymous_set ? "anonymous executables"
					   : "anonymous executables (implied)",
			&value->anonymous_rule);
}

/*
 * [network] sockets: what socket() may create. The rule stands for the refusal of every other
 * socket: its line, or for a policy that names none the [network] default's line (default =
 * deny implies unix, inet, inet6 and netlink; anything else, every socket, and no rule). Made
 * after every policy's other rules, so that their ids do not depend on it.
 */
static int add_sockets(struct compiler *cc, const struct lg_policy *p, __u32 policy_id,
		       struct lg_policy_value *value)
{
	const struct lg_section *sec = &p->section[LG_CLASS_NET];
	struct lg_rule_source src = {
		.policy = policy_id,
		.kind = LG_RULE_SOCKETS,
		.class = LG_CLASS_NET,
		.action = LG_ACT_DENY,
		.file = p->file,
	};
	struct lg_sockets sockets;
	char words[200], object[LG_RULE_OBJECT_MAX];
	bool implied;

	lg_policy_sockets(p, &sockets, &implied);
	if (sec->default_set && sec->default_action == LG_ACT_DENY)
		value->net_flags |= LG_NET_POLICY_NO_SOURCE_ROUTES;
	/* A destination rule decides destinations; a listen rule or an abstract name does not. */
	for (size_t i = 0; i < p->net_count; i++)
		if (!p->nets[i].listen && p->nets[i].family != LG_NET_FAMILY_ABSTRACT)
			value->net_flags |= LG_NET_POLICY_NO_SOURCE_ROUTES;
	value->socket_families = sockets.families;
	value->socket_netlink = sockets.netlink;
	value->socket_inet = sockets.inet;
	lg_sockets_format(&sockets, words, sizeof(words));
	if (strcmp(words, "all") == 0)
		return 0; /* nothing refused: socket_rule 0 is never reported */
	if (!implied)
		src.line = p->sockets_line;
	else
		src.line = sec->default_set ? sec->default_line
			   : sec->present   ? sec->line
					    : p->policy_line;
	if (strcmp(words, "all but packet raw") == 0)
		snprintf(object, sizeof(object),
			 "packet and raw sockets (implied: a sockets line naming them allows them)");
	else
		snprintf(object, sizeof(object), "sockets other than: %s%s", words,
			 implied ? " (implied)" : "");
	return new_rule(cc, &src, object, &value->socket_rule);
}

static int add_defaults(struct compiler *cc, const struct lg_policy *p, __u32 policy_id,
			struct lg_policy_value *value)
{
	static const unsigned class_bits[LG_CLASS_COUNT] = {
		[LG_CLASS_FILE] = (1u << LG_DECISION_FILE_READ) | (1u << LG_DECISION_FILE_WRITE),
		[LG_CLASS_EXEC] = 1u << LG_DECISION_EXEC,
		[LG_CLASS_NET] = 1u << LG_DECISION_NET,
	};

	for (int c = 0; c < LG_CLASS_COUNT; c++) {
		const struct lg_section *sec = &p->section[c];
		struct lg_rule_source src = {
			.policy = policy_id,
			.kind = LG_RULE_DEFAULT,
			.class = (enum lg_class)c,
			.action = sec->default_set ? sec->default_action : LG_ACT_ALLOW,
			.file = p->file,
		};
		__u32 id;
		int ret;

		src.line = sec->default_set ? sec->default_line
			   : sec->present   ? sec->line
					    : p->policy_line;
		ret = new_rule(cc, &src, sec->default_set ? "default" : "default (implied)", &id);
		if (ret)
			return ret;
		if (src.action == LG_ACT_DENY)
			value->default_deny |= (__u8)class_bits[c];
		for (int d = 0; d < LG_DECISION_COUNT; d++)
			if (class_bits[c] & (1u << d))
				value->default_rule[d] = id;
	}
	value->flags |= lg_system_policy_flags(&p->system);
	return add_anonymous(cc, p, policy_id, value);
}

/*
 * [capabilities]: one allow rule per kept capability (in capability order), then the section's
 * deny rule, which the kernel's events name (capabilities_rule). Nothing without the section.
 */
static int add_capabilities(struct compiler *cc, const struct lg_policy *p, __u32 policy_id,
			    struct lg_policy_value *value)
{
	const struct lg_capabilities *caps = &p->capabilities;
	struct lg_rule_source src = {
		.policy = policy_id,
		.kind = LG_RULE_CAPABILITY,
		.class = LG_CLASS_FILE,
		.file = p->file,
	};
	__u32 id;
	int ret;

	if (!caps->present)
		return 0;
	for (unsigned cap = 0; cap < LG_CAP_COUNT; cap++) {
		if (!(caps->keep & (1ULL << cap)))
			continue;
		src.action = LG_ACT_ALLOW;
		src.line = caps->keep_line[cap];
		ret = new_rule(cc, &src, lg_capability_name(cap), &id);
		if (ret)
			return ret;
	}
	src.action = LG_ACT_DENY;
	src.line = caps->line;
	value->capabilities = caps->keep;
	return new_rule(cc, &src, "capabilities not kept", &value->capabilities_rule);
}

/*
 * One marker made so far: its key, the directory's path (path[0..len) of a rule's path), which
 * tells two directories apart when their prefixes hash alike, and for the bank's record
 * (LG_PATH_CLASS_DENY_BENEATH) what lies beneath the directory.
 */
struct marker {
	struct lg_path_key key; /* policy 0: a free slot */
	const char *path;
	size_t len;
	__u32 policy; /* the one policy with rules beneath */
	bool several; /* rules of several policies: each has its LG_PATH_CLASS_BENEATH key */
	bool deny;    /* a deny rule beneath */
};

enum marker_found {
	MARKER_NEW,	 /* recorded now */
	MARKER_SAME,	 /* made before for this very directory */
	MARKER_SAME_KEY, /* made before for another directory of that hash: one key in the kernel */
};

static size_t marker_slot(const struct lg_path_key *key, size_t mask)
{
	return (size_t)(key->hash ^ key->policy ^ ((__u64)key->class << 32)) & mask;
}

/* Double the open-addressing table of markers. */
static int grow_markers(struct compiler *cc)
{
	size_t cap = cc->marker_cap ? 2 * cc->marker_cap : 64, mask = cap - 1;
	struct marker *grown = calloc(cap, sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	for (size_t j = 0; j < cc->marker_cap; j++) {
		const struct marker *old = &cc->markers[j];
		size_t i;

		if (!old->key.policy)
			continue;
		for (i = marker_slot(&old->key, mask); grown[i].key.policy; i = (i + 1) & mask)
			;
		grown[i] = *old;
	}
	free(cc->markers);
	cc->markers = grown;
	cc->marker_cap = cap;
	return 0;
}

/*
 * Look the marker of directory path[0..len) up under key, recording it when new (*m: where it
 * is, until the next call): returns an enum marker_found, or -ENOMEM.
 */
static int find_marker(struct compiler *cc, const struct lg_path_key *key, const char *path,
		       size_t len, struct marker **m)
{
	size_t mask, i;

	if (2 * (cc->marker_count + 1) > cc->marker_cap) {
		int ret = grow_markers(cc);

		if (ret)
			return ret;
	}
	mask = cc->marker_cap - 1;
	for (i = marker_slot(key, mask); cc->markers[i].key.policy; i = (i + 1) & mask) {
		*m = &cc->markers[i];
		if ((*m)->key.hash != key->hash || (*m)->key.policy != key->policy ||
		    (*m)->key.class != key->class)
			continue;
		return (*m)->len == len && memcmp((*m)->path, path, len) == 0 ? MARKER_SAME
										: MARKER_SAME_KEY;
	}
	*m = &cc->markers[i];
	**m = (struct marker){.key = *key, .path = path, .len = len};
	cc->marker_count++;
	return MARKER_NEW;
}

/*
 * The policy's own key for directory path[0..len) (LG_PATH_CLASS_BENEATH): 1 when it was made
 * for this very directory before, 0 when made now (or shared with another directory's hash), or
 * -ENOMEM.
 */
static int mark_for_policy(struct compiler *cc, __u32 policy, __u64 hash, const char *path,
			   size_t len)
{
	struct lg_path_entry entry = {
		.key = {.policy = policy, .class = LG_PATH_CLASS_BENEATH, .hash = hash},
		.value = {.rule = {policy}},
	};
	struct marker *m;
	int found = find_marker(cc, &entry.key, path, len, &m);

	if (found < 0 || found == MARKER_SAME)
		return found < 0 ? found : 1;
	if (found == MARKER_SAME_KEY)
		return 0;
	return push((void **)&cc->out->beneath, &cc->out->beneath_count, &cc->beneath_cap,
		    sizeof(entry), &entry);
}

/* The directories a rule's path lies beneath, as add_beneath_markers found them. */
struct rule_prefixes {
	__u64 hash[LG_PATH_DEPTH_MAX + 2];
	size_t len[LG_PATH_DEPTH_MAX + 2]; /* bytes of the rule's path that name the directory */
	unsigned count;
};

/*
 * Record a rule of policy (a deny rule: deny) beneath each of its directories, the deepest
 * first. Every rule records itself up to the root, so a directory that already had this policy
 * (and a deny rule, if this one denies) for the same path has its ancestors done too: the walk
 * up stops there, and most rules, which share their directory with another, pay one lookup.
 */
static int mark_prefixes(struct compiler *cc, const char *path, const struct rule_prefixes *pre,
			 __u32 policy, bool deny)
{
	for (unsigned d = pre->count; d-- > 0;) {
		struct lg_path_key key = {
		    .policy = cc->out->id_base + 1,
		    .class = LG_PATH_CLASS_DENY_BENEATH,
		    .hash = pre->hash[d],
		};
		struct marker *m;
		int found = find_marker(cc, &key, path, pre->len[d], &m), ret;
		bool done = found == MARKER_SAME, add_first = false, add_self = false;
		__u32 first = 0;

		if (found < 0)
			return found;
		if (found == MARKER_NEW) {
			m->policy = policy;
		} else if (!m->several && m->policy != policy) {
			/* A second policy: from now on each one has its own key. */
			first = m->policy;
			m->several = true;
			add_first = add_self = true;
			done = false;
		} else if (m->several) {
			add_self = true;
		}
		if (deny && !m->deny) {
			m->deny = true;
			done = false;
		}
		/* m is not used below: a new marker may move the table. */
		if (add_first) {
			ret = mark_for_policy(cc, first, key.hash, path, pre->len[d]);
			if (ret < 0)
				return ret;
		}
		if (add_self) {
			ret = mark_for_policy(cc, policy, key.hash, path, pre->len[d]);
			if (ret < 0)
				return ret;
			done = done && ret == 1;
		}
		if (done)
			return 0;
	}
	return 0;
}

/*
 * Mark every proper prefix of a rule's path ("" and "/a" for "/a/b"): a directory there holds
 * the rule's object. The same walk over the path gives the rule's own hash (*path_hash).
 * Prefixes beyond what rule_prefixes holds (deeper than the parser lets a path be) are marked
 * on the way.
 */
static int add_beneath_markers(struct compiler *cc, const struct lg_path_rule *r,
			       const struct path_item *rule_item, __u64 *path_hash)
{
	const size_t cap = sizeof(((struct rule_prefixes *)0)->hash) / sizeof(__u64);
	size_t len = strlen(r->path);
	bool directory = len && r->path[len - 1] == '/';
	bool deny = r->action == LG_ACT_DENY;
	__u32 policy = rule_item->key.policy;
	struct rule_prefixes pre;
	struct lg_path_walk walk;
	size_t end = 0; /* the prefix's length in bytes: the root's is 0 */
	int ret;

	pre.count = 0;
	lg_path_walk_start(&walk, cc->out->seed, r->path);
	for (;;) {
		__u64 hash = walk.hash; /* the prefix before the next component */
		bool more = lg_path_walk_next(&walk);

		if (!more && !directory)
			break;
		if (pre.count < cap) {
			pre.hash[pre.count] = hash;
			pre.len[pre.count++] = end;
		} else {
			struct rule_prefixes one = {.hash = {hash}, .len = {end}, .count = 1};

			ret = mark_prefixes(cc, r->path, &one, policy, deny);
			if (ret)
				return ret;
		}
		if (!more)
			break;
		end = (size_t)(walk.name + walk.len - r->path);
	}
	/* The walk's end is the rule's own hash (lg_path_hash's walk). */
	while (lg_path_walk_next(&walk))
		;
	*path_hash = walk.hash;
	return mark_prefixes(cc, r->path, &pre, policy, deny);
}

/* The bank's records of the directories with rules beneath, once every rule was marked. */
static int add_bank_markers(struct compiler *cc)
{
	for (size_t i = 0; i < cc->marker_cap; i++) {
		const struct marker *m = &cc->markers[i];
		struct lg_path_entry entry = {.key = m->key};
		int ret;

		if (!m->key.policy || m->key.class != LG_PATH_CLASS_DENY_BENEATH)
			continue;
		entry.value.rule[0] = m->several ? 0 : m->policy;
		entry.value.deny_mask = m->deny ? LG_BENEATH_DENY : 0;
		ret = push((void **)&cc->out->beneath, &cc->out->beneath_count, &cc->beneath_cap,
			   sizeof(entry), &entry);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The items of path rule r (its rule id rule) at path: r's own path, or a name the kernel gives
 * what r's path leads to (set->path_alias), where write_only keeps only its write denial.
 */
static int add_path_items(struct compiler *cc, const struct lg_path_rule *r, const char *path,
			  __u32 policy_id, enum lg_class class, __u32 rule, const char *file,
			  bool write_only)
{
	struct lg_path_rule at = *r;
	struct path_item item = {
		.key = {.policy = policy_id, .class = class},
		.path = path,
		.file = file,
		.line = r->line,
		.rule = rule,
	};
	unsigned base = r->subtree ? LG_SLOT_TREE_READ : LG_SLOT_EXACT_READ;
	int ret = 0;

	at.path = (char *)path;
	ret = add_beneath_markers(cc, &at, &item, &item.key.hash);
	if (ret)
		return ret;
	if (lg_test_rule_hash)
		item.key.hash = rule_hash(cc->out->seed, path);
	/* READ slot: deny only for deny. WRITE slot (files only): deny unless allow. */
	item.slot = base;
	item.deny = r->action == LG_ACT_DENY;
	if (!write_only)
		ret = push((void **)&cc->path_items, &cc->path_item_count, &cc->path_item_cap,
			   sizeof(item), &item);
	if (!ret && r->action == LG_ACT_DENY) {
		__u64 any = item.key.hash ^ (r->subtree ? 0 : LG_DENY_FILTER_EXACT);

		ret = push((void **)&cc->out->deny_filter, &cc->out->deny_filter_count,
			   &cc->deny_filter_cap, sizeof(any), &any);
	}
	if (ret || class != LG_CLASS_FILE)
		return ret;
	item.slot = base + 1;
	item.deny = r->action != LG_ACT_ALLOW;
	return push((void **)&cc->path_items, &cc->path_item_count, &cc->path_item_cap,
		    sizeof(item), &item);
}

/* The rule's path as written, with its trailing slash ("/" for the root). */
static const char *rule_text(const char *path, bool subtree, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", path[0] ? path : "/", subtree && path[0] ? "/" : "");
	return buf;
}

/*
 * A rule whose path leads through a mount the kernel names otherwise (a bind mount of a
 * directory, a second mount of a filesystem, a btrfs subvolume's mount: lg_policy_set.path_alias)
 * is keyed at the kernel's names too, each said at the rule's line: the name of its own path,
 * and for a directory rule the names of the mounts beneath it. A deny rule is kept there whole;
 * an allow-read rule keeps its write denial there; an allow rule is not carried (whoever can
 * mount, an administrator or a service with `mount = allow`, would choose what it opens), said.
 */
/* A warning of add_path_alias, unless the set's caller carries quietly. */
__attribute__((format(printf, 4, 5))) static void alias_warn(struct compiler *cc, const char *file,
							     unsigned line, const char *fmt, ...)
{
	char text[3 * LG_ALIAS_MAX];
	va_list ap;

	if (cc->set->path_alias_quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	lg_diag_add(cc->diag, LG_SEV_WARNING, file, line, "%s", text);
}

static int add_path_alias(struct compiler *cc, const struct lg_policy *p,
			  const struct lg_path_rule *r, __u32 policy_id, enum lg_class class,
			  __u32 rule)
{
	char alias[LG_ALIAS_MAX], a[LG_ALIAS_MAX + 2], b[LG_ALIAS_MAX + 2];
	bool write_only = r->action == LG_ACT_ALLOW_READ;
	int found;

	if (!cc->set->path_alias || (write_only && class != LG_CLASS_FILE))
		return 0;
	for (unsigned index = 0;; index++) {
		const char *kept;
		int ret;

		found = cc->set->path_alias(cc->set->path_alias_ctx, r->path, r->subtree, index,
					    alias, sizeof(alias));
		if (found == 0)
			return 0;
		if (index == LG_PATH_ALIASES_MAX) {
			alias_warn(cc, p->file, r->line,
				    "%s has more than %d names in the kernel: the rule is kept at "
				    "the first %d only",
				    rule_text(r->path, r->subtree, a, sizeof(a)), LG_PATH_ALIASES_MAX,
				    LG_PATH_ALIASES_MAX);
			return 0;
		}
		if (found == -ELOOP && r->action != LG_ACT_ALLOW) {
			/* "/" or a directory above the rule: carried there, the rule would reach
			 * past what it names (another policy's bind of / beneath it) */
			alias_warn(cc, p->file, r->line,
				    "%s is named %s by the kernel, at or above the rule's own path: "
				    "the rule is not kept there",
				    rule_text(r->path, r->subtree, a, sizeof(a)), alias[0] ? alias : "/");
			continue;
		}
		if (found < 0 && r->action == LG_ACT_ALLOW)
			continue;
		if (found < 0) {
			/* a name longer than lsmguard reads of a mount (mountinfo's fields are
			 * read up to 4,095 bytes): the written one alone, said */
			alias_warn(cc, p->file, r->line,
				    "%s leads through a mount the kernel names by a path longer "
				    "than %d bytes: the rule is not kept there",
				    rule_text(r->path, r->subtree, a, sizeof(a)), LG_ALIAS_MAX - 1);
			continue;
		}
		/* (a name deeper than the walk goes is kept too: the walk refuses the files
		 * there, but the markers above it refuse renames that would bring them up) */
		alias_warn(cc, p->file, r->line,
			   "%s is named %s by the kernel (what a mount there shows is mounted "
			   "elsewhere first); %s",
			   rule_text(r->path, r->subtree, a, sizeof(a)),
			   rule_text(alias, r->subtree, b, sizeof(b)),
			   r->action == LG_ACT_DENY ? "the deny rule is kept at both"
			   : write_only ? "the rule's write denial is kept at both"
					: "an allow rule is not carried there: write it at that path "
					  "if that is what it means");
		if (r->action == LG_ACT_ALLOW)
			continue;
		kept = keep_text_max(cc->out, alias, sizeof(alias));
		if (!kept)
			return -ENOMEM;
		ret = add_path_items(cc, r, kept, policy_id, class, rule, p->file, write_only);
		if (ret)
			return ret;
	}
	return 0;
}

static int add_path_rules(struct compiler *cc, const struct lg_policy *p, __u32 policy_id,
			  enum lg_class class)
{
	for (size_t i = 0; i < p->path_count[class]; i++) {
		const struct lg_path_rule *r = &p->paths[class][i];
		struct lg_rule_source src = {
			.policy = policy_id,
			.kind = LG_RULE_PATH,
			.class = class,
			.action = r->action,
			.file = p->file,
			.line = r->line,
			.subtree = r->subtree,
		};
		char object[LG_RULE_OBJECT_MAX];
		__u32 rule;
		int ret;

		{
			size_t len = lg_strcopy(object, sizeof(object), r->path);

			if (r->subtree && len + 1 < sizeof(object)) {
				object[len] = '/';
				object[len + 1] = '\0';
			}
		}
		ret = new_rule(cc, &src, object, &rule);
		if (!ret)
			ret = add_path_items(cc, r, r->path, policy_id, class, rule, p->file,
					     false);
		if (!ret)
			ret = add_path_alias(cc, p, r, policy_id, class, rule);
		if (ret)
			return ret;
	}
	return 0;
}

static void net_key_for(struct lg_net_key *key, __u32 policy, __u8 family, const __u8 *addr,
			unsigned prefix)
{
	memset(key, 0, sizeof(*key));
	key->policy = policy;
	key->family = family;
	key->prefixlen = LG_NET_KEY_FIXED_BITS + prefix;
	for (unsigned bit = 0; bit < prefix; bit++)
		if (addr[bit / 8] & (0x80 >> (bit % 8)))
			key->addr[bit / 8] |= (__u8)(0x80 >> (bit % 8));
}

/*
 * An abstract name rule (LG_NET_FAMILY_ABSTRACT): a key of class ABSTRACT or ABSTRACT_PREFIX
 * (lg_abstract_hash of its bytes), through the path items (so that two rules on one name merge
 * as path rules do: deny wins), its prefix length recorded in *lengths.
 */
static int add_abstract_rule(struct compiler *cc, const struct lg_net_rule *r, const char *file,
			     __u32 policy_id, __u32 rule, __u32 lengths[4])
{
	struct path_item item = {
		.key = {.policy = policy_id,
			.class = r->name_prefix ? LG_PATH_CLASS_ABSTRACT_PREFIX
						: LG_PATH_CLASS_ABSTRACT},
		.file = file,
		.line = r->line,
		/* a listen rule decides binding the name, the others reaching it */
		.slot = r->listen ? LG_SLOT_EXACT_WRITE : LG_SLOT_EXACT_READ,
		.rule = rule,
		.deny = r->action == LG_ACT_DENY,
	};
	char text[LG_ABSTRACT_TEXT_MAX], *copy;
	int ret;

	lg_abstract_format(r->name, r->name_len, r->name_prefix, text, sizeof(text));
	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	ret = push((void **)&cc->texts, &cc->text_count, &cc->text_cap, sizeof(copy), &copy);
	if (ret) {
		free(copy);
		return ret;
	}
	item.path = copy;
	item.key.hash = lg_abstract_hash(lg_hash_bytes(lg_hash_init(cc->out->seed), r->name,
						       r->name_len),
					 r->name_len);
	if (r->name_prefix)
		lengths[r->name_len / 32] |= 1u << (r->name_len % 32);
	return push((void **)&cc->path_items, &cc->path_item_count, &cc->path_item_cap,
		    sizeof(item), &item);
}

/* The policy's set of prefix lengths (LG_PATH_CLASS_ABSTRACT_LENGTHS), one item per word. */
static int add_abstract_lengths(struct compiler *cc, const char *file, __u32 policy_id,
				const __u32 lengths[4])
{
	for (unsigned w = 0; w < 4; w++) {
		struct path_item item = {
			.key = {.policy = policy_id, .class = LG_PATH_CLASS_ABSTRACT_LENGTHS},
			.path = "abstract prefix lengths",
			.file = file,
			.slot = w,
			.rule = lengths[w],
		};
		int ret;

		if (!lengths[w])
			continue;
		ret = push((void **)&cc->path_items, &cc->path_item_count, &cc->path_item_cap,
			   sizeof(item), &item);
		if (ret)
			return ret;
	}
	return 0;
}

static int add_address_rules(struct compiler *cc, const struct lg_policy *p, __u32 policy_id,
			     __u32 *ids);

/*
 * The abstract name rules of p, after its address rules gave them ids (ids[i] for p->nets[i]):
 * the exact names, then the prefixes, then the lengths, since the path items of a policy must
 * come class by class in key order.
 */
static int add_abstract_rules(struct compiler *cc, const struct lg_policy *p, __u32 policy_id,
			      const __u32 *ids)
{
	__u32 lengths[4] = {0};

	for (int prefix = 0; prefix <= 1; prefix++) {
		for (size_t i = 0; i < p->net_count; i++) {
			const struct lg_net_rule *r = &p->nets[i];
			int ret;

			if (r->family != LG_NET_FAMILY_ABSTRACT || r->name_prefix != prefix)
				continue;
			ret = add_abstract_rule(cc, r, p->file, policy_id, ids[i], lengths);
			if (ret)
				return ret;
		}
	}
	return add_abstract_lengths(cc, p->file, policy_id, lengths);
}

static int add_net_rules(struct compiler *cc, const struct lg_policy *p, __u32 policy_id)
{
	__u32 *ids = calloc(p->net_count + 1, sizeof(*ids));
	int ret;

	if (!ids)
		return -ENOMEM;
	ret = add_address_rules(cc, p, policy_id, ids);
	if (!ret)
		ret = add_abstract_rules(cc, p, policy_id, ids);
	free(ids);
	return ret;
}

static int add_address_rules(struct compiler *cc, const struct lg_policy *p, __u32 policy_id,
			     __u32 *ids)
{
	for (size_t i = 0; i < p->net_count; i++) {
		const struct lg_net_rule *r = &p->nets[i];
		struct lg_rule_source src = {
			.policy = policy_id,
			.kind = LG_RULE_NET,
			.class = LG_CLASS_NET,
			.action = r->action,
			.file = p->file,
			.line = r->line,
		};
		struct net_item item = {.file = p->file, .line = r->line};
		char object[LG_RULE_OBJECT_MAX];
		__u32 id;
		int ret;

		lg_net_rule_format(r, object, sizeof(object));
		ret = new_rule(cc, &src, object, &id);
		if (ret)
			return ret;
		ids[i] = id;
		if (r->family == LG_NET_FAMILY_ABSTRACT)
			continue; /* add_abstract_rules */
		item.port.port_lo = r->port_lo;
		item.port.port_hi = r->port_hi;
		item.port.flags = (__u8)(r->protocols | (r->action == LG_ACT_DENY ? LG_NET_DENY : 0));
		item.port.rule = id;
		for (__u8 family = 4; family <= 6; family += 2) {
			if (r->family && r->family != family)
				continue;
			net_key_for(&item.key, policy_id,
				    (__u8)(family | (r->listen ? LG_NET_LISTEN_KEY : 0)), r->addr,
				    r->family ? r->prefix : 0);
			ret = push((void **)&cc->net_items, &cc->net_item_count, &cc->net_item_cap,
				   sizeof(item), &item);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/*
 * The order of the path items by key, equal keys in the order the rules came (their lines): the
 * items of one policy and class come together (a policy at a time, files before exec), and
 * within them the hashes are uniform, so a counting pass on the hash's top bits and an insertion
 * sort of each (mostly one-item) bucket sort them. Returns the indexes, or NULL.
 */
static __u32 *sort_path_items(const struct compiler *cc)
{
	const struct path_item *items = cc->path_items;
	size_t n = cc->path_item_count;
	__u32 *order = malloc((n ? n : 1) * sizeof(*order));
	size_t *starts = NULL;

	if (!order)
		return NULL;
	for (size_t run = 0, next; run < n; run = next) {
		const struct lg_path_key *k = &items[run].key;
		unsigned bits = 0;
		size_t buckets;

		for (next = run + 1; next < n && items[next].key.policy == k->policy &&
				     items[next].key.class == k->class;
		     next++)
			;
		while (bits < 63 && (1ULL << bits) < next - run)
			bits++;
		buckets = (size_t)1 << bits;
		free(starts);
		starts = calloc(buckets + 1, sizeof(*starts));
		if (!starts) {
			free(order);
			return NULL;
		}
		for (size_t i = run; i < next; i++)
			starts[bits ? items[i].key.hash >> (64 - bits) : 0]++;
		for (size_t b = 0, at = run; b <= buckets; b++) {
			size_t count = starts[b];

			starts[b] = at;
			at += count;
		}
		for (size_t i = run; i < next; i++)
			order[starts[bits ? items[i].key.hash >> (64 - bits) : 0]++] = (__u32)i;
		/* starts[b] is now where bucket b ends; each one in order of hash, then index. */
		for (size_t b = 0, from = run; b < buckets; from = starts[b++]) {
			for (size_t i = from + 1; i < starts[b]; i++) {
				__u32 x = order[i];
				size_t j = i;

				for (; j > from && items[order[j - 1]].key.hash > items[x].key.hash; j--)
					order[j] = order[j - 1];
				order[j] = x;
			}
		}
	}
	free(starts);
	/* The runs must follow each other in key order, as the compiler pushes them. */
	for (size_t i = 1; i < n; i++) {
		if (lg_compare_path_keys(&items[order[i - 1]].key, &items[order[i]].key) > 0) {
			free(order);
			errno = EINVAL;
			return NULL;
		}
	}
	return order;
}

int lg_compare_path_keys(const struct lg_path_key *x, const struct lg_path_key *y)
{
	if (x->policy != y->policy)
		return x->policy < y->policy ? -1 : 1;
	if (x->class != y->class)
		return x->class < y->class ? -1 : 1;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return 0;
}

static int build_path_entries(struct compiler *cc)
{
	struct lg_compiled *out = cc->out;
	__u32 *order = sort_path_items(cc);
	size_t cap = 0;
	int ret = 0;

	if (!order)
		return errno == EINVAL ? -EINVAL : -ENOMEM;
	for (size_t i = 0; i < cc->path_item_count && !ret;) {
		const struct path_item *first = &cc->path_items[order[i]];
		struct lg_path_entry entry = {.key = first->key};
		size_t j;

		for (j = i; j < cc->path_item_count &&
			    cc->path_items[order[j]].key.hash == first->key.hash &&
			    lg_compare_path_keys(&cc->path_items[order[j]].key, &first->key) == 0;
		     j++) {
			const struct path_item *it = &cc->path_items[order[j]];
			__u8 bit = (__u8)(1u << it->slot);

			if (it->path != first->path && strcmp(it->path, first->path) != 0) {
				if (cc->report_collision)
					lg_diag_add(cc->diag, LG_SEV_ERROR, it->file, it->line,
						    "path hash collision with %s:%u; load again to "
						    "draw another seed",
						    first->file, first->line);
				free(order);
				return -EAGAIN;
			}
			if (!entry.value.rule[it->slot]) {
				entry.value.rule[it->slot] = it->rule;
				if (it->deny)
					entry.value.deny_mask |= bit;
			} else if (it->deny && !(entry.value.deny_mask & bit)) {
				entry.value.rule[it->slot] = it->rule; /* deny wins at equal depth */
				entry.value.deny_mask |= bit;
			}
		}
		ret = push((void **)&out->paths, &out->path_count, &cap, sizeof(entry), &entry);
		i = j;
	}
	free(order);
	if (ret)
		return ret;
	if (out->path_count > LG_MAX_PATH_ENTRIES) {
		lg_diag_add(cc->diag, LG_SEV_ERROR, NULL, 0,
			    "the policies need %zu path keys; the path map holds %d (LG_MAX_PATH_ENTRIES)",
			    out->path_count, LG_MAX_PATH_ENTRIES);
		return -E2BIG;
	}
	if (out->beneath_count > LG_MAX_BENEATH_ENTRIES) {
		lg_diag_add(cc->diag, LG_SEV_ERROR, NULL, 0,
			    "the policies need %zu marker keys (directories with rules beneath, a "
			    "policy's own where several policies' are); the path map holds %d "
			    "(LG_MAX_BENEATH_ENTRIES)",
			    out->beneath_count, LG_MAX_BENEATH_ENTRIES);
		return -E2BIG;
	}
	return 0;
}

static unsigned popcount8(unsigned v)
{
	return (unsigned)__builtin_popcount(v & 0xff);
}

/* Within one prefix: the most specific first, so that the first match wins. */
static int compare_port_rules(const struct net_item *x, const struct net_item *y)
{
	unsigned wx = (unsigned)x->port.port_hi - x->port.port_lo;
	unsigned wy = (unsigned)y->port.port_hi - y->port.port_lo;
	unsigned px = popcount8(x->port.flags & LG_NET_PROTOCOLS);
	unsigned py = popcount8(y->port.flags & LG_NET_PROTOCOLS);
	bool dx = x->port.flags & LG_NET_DENY, dy = y->port.flags & LG_NET_DENY;

	if (wx != wy)
		return wx < wy ? -1 : 1;
	if (px != py)
		return px < py ? -1 : 1;
	if (dx != dy)
		return dx ? -1 : 1;
	if (x->port.port_lo != y->port.port_lo)
		return x->port.port_lo < y->port.port_lo ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int compare_net_items(const void *a, const void *b)
{
	const struct net_item *x = a, *y = b;
	int c = memcmp(&x->key, &y->key, sizeof(x->key));

	return c ? c : compare_port_rules(x, y);
}

int lg_compare_net_keys(const struct lg_net_key *x, const struct lg_net_key *y)
{
	return memcmp(x, y, sizeof(*x));
}

const struct lg_net_entry *lg_compiled_find_net(const struct lg_compiled *c,
						const struct lg_net_key *key)
{
	size_t lo = 0, hi = c->net_count;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = lg_compare_net_keys(&c->nets[mid].key, key);

		if (cmp == 0)
			return &c->nets[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Prefix lengths are tracked per policy, family and trie (destinations, listen rules). */
static size_t net_nesting_slot(const struct lg_compiled *out, const struct lg_net_key *key)
{
	return (size_t)lg_policy_index(out, key->policy) * 4 +
	       ((key->family & ~LG_NET_LISTEN_KEY) == 6) + (key->family & LG_NET_LISTEN_KEY ? 2 : 0);
}

static int check_net_nesting(struct compiler *cc)
{
	struct lg_compiled *out = cc->out;
	/* Which prefix lengths exist, per (policy, family): only those are looked up below. */
	__u64 (*lens)[3] = calloc(out->policy_count * 4 + 1, sizeof(*lens));
	int ret = 0;

	if (!lens)
		return -ENOMEM;
	for (size_t i = 0; i < out->net_count; i++) {
		const struct lg_net_key *key = &out->nets[i].key;
		size_t slot = net_nesting_slot(out, key);
		unsigned prefix = key->prefixlen - LG_NET_KEY_FIXED_BITS;

		lens[slot][prefix / 64] |= 1ULL << (prefix % 64);
	}
	for (size_t i = 0; i < out->net_count && !ret; i++) {
		const struct lg_net_key *key = &out->nets[i].key;
		size_t slot = net_nesting_slot(out, key);
		unsigned prefix = key->prefixlen - LG_NET_KEY_FIXED_BITS, nested = 1;

		for (int len = (int)prefix - 1; len >= 0; len--) {
			struct lg_net_key parent;

			if (!(lens[slot][len / 64] & (1ULL << (len % 64))))
				continue;
			net_key_for(&parent, key->policy, key->family, key->addr, (unsigned)len);
			if (lg_compiled_find_net(out, &parent))
				nested++;
		}
		if (nested > LG_NET_CHAIN_MAX) {
			const struct lg_rule_source *src =
				lg_rule_source(out, out->nets[i].value.port[0].rule);

			lg_diag_add(cc->diag, LG_SEV_ERROR, src->file, src->line,
				    "%u nested address prefixes enclose %s; the kernel examines at "
				    "most %d (LG_NET_CHAIN_MAX): merge some of them",
				    nested, src->object, LG_NET_CHAIN_MAX);
			ret = -E2BIG;
		}
	}
	free(lens);
	return ret;
}

static int build_net_entries(struct compiler *cc)
{
	struct lg_compiled *out = cc->out;
	size_t cap = 0;

	if (cc->net_item_count)
		qsort(cc->net_items, cc->net_item_count, sizeof(struct net_item), compare_net_items);
	for (size_t i = 0; i < cc->net_item_count;) {
		const struct net_item *first = &cc->net_items[i];
		struct lg_net_entry entry = {.key = first->key};
		size_t j;
		int ret;

		entry.value.prefixlen = (__u16)first->key.prefixlen;
		for (j = i; j < cc->net_item_count &&
			    memcmp(&cc->net_items[j].key, &first->key, sizeof(first->key)) == 0;
		     j++) {
			const struct net_item *it = &cc->net_items[j];
			const struct lg_net_port_rule *prev =
				entry.value.count ? &entry.value.port[entry.value.count - 1] : NULL;

			if (prev && prev->port_lo == it->port.port_lo &&
			    prev->port_hi == it->port.port_hi && prev->flags == it->port.flags)
				continue; /* exact duplicate: the earlier line decides */
			if (entry.value.count == LG_NET_PORT_SLOTS) {
				const struct lg_rule_source *src = lg_rule_source(out, it->port.rule);

				lg_diag_add(cc->diag, LG_SEV_ERROR, it->file, it->line,
					    "more than %d port rules share the address of %s "
					    "(LG_NET_PORT_SLOTS); merge ports into ranges",
					    LG_NET_PORT_SLOTS, src->object);
				return -E2BIG;
			}
			entry.value.port[entry.value.count++] = it->port;
		}
		ret = push((void **)&out->nets, &out->net_count, &cap, sizeof(entry), &entry);
		if (ret)
			return ret;
		i = j;
	}
	if (out->net_count > LG_MAX_NET_ENTRIES) {
		lg_diag_add(cc->diag, LG_SEV_ERROR, NULL, 0,
			    "the policies need %zu address prefixes; the network map holds %d "
			    "(LG_MAX_NET_ENTRIES)",
			    out->net_count, LG_MAX_NET_ENTRIES);
		return -E2BIG;
	}
	return check_net_nesting(cc);
}

static void free_items(struct compiler *cc)
{
	for (size_t i = 0; i < cc->text_count; i++)
		free(cc->texts[i]);
	free(cc->texts);
	free(cc->markers);
	free(cc->path_items);
	free(cc->net_items);
}

static int compile_with_seed(const struct lg_policy_set *set, __u64 seed, unsigned bank,
			     bool report_collision, struct lg_compiled **out, struct lg_diag *diag)
{
	struct compiler cc = {.set = set, .diag = diag, .report_collision = report_collision};
	unsigned lost_before = diag->lost;
	int ret;

	*out = NULL;
	if (!set->validated) {
		/* A caller's mistake, not the policy's: set.c checks sets, the compiler trusts them. */
		lg_diag_add(diag, LG_SEV_ERROR, NULL, 0,
			    "internal error: the policy set was not validated before compiling");
		return -EINVAL;
	}
	cc.out = calloc(1, sizeof(*cc.out));
	if (!cc.out) {
		lg_diag_out_of_memory(diag, NULL);
		return -ENOMEM;
	}
	cc.out->seed = seed;
	cc.out->bank = bank & 1;
	cc.out->id_base = lg_bank_first_id(bank & 1) - 1;
	cc.out->policies = calloc(set->count ? set->count : 1, sizeof(*cc.out->policies));
	cc.out->cgroups = calloc(set->count ? set->count : 1, sizeof(*cc.out->cgroups));
	if (!cc.out->policies || !cc.out->cgroups) {
		ret = -ENOMEM;
		goto out_fail;
	}
	for (size_t i = 0; i < set->count; i++) {
		const struct lg_policy *p = set->policies[i];
		struct lg_policy_value *value = &cc.out->policies[i];
		__u32 id = lg_policy_id(cc.out, i);

		value->id = id;
		value->mode = (__u8)p->mode;
		value->bank = (__u8)cc.out->bank;
		value->seed = seed;
		/* Not seeded: the same number at every load (ipc.bpf.c records makers by it). */
		value->identity = lg_hash_bytes(lg_hash_init(0), p->name, strlen(p->name)) | 1;
		ret = add_defaults(&cc, p, id, value);
		if (!ret)
			ret = add_path_rules(&cc, p, id, LG_CLASS_FILE);
		if (!ret)
			ret = add_path_rules(&cc, p, id, LG_CLASS_EXEC);
		if (!ret)
			ret = add_net_rules(&cc, p, id);
		if (!ret)
			ret = add_capabilities(&cc, p, id, value);
		if (ret)
			goto out_fail;
		cc.out->cgroups[i].cgroup = p->cgroup;
		cc.out->cgroups[i].policy = id;
	}
	for (size_t i = 0; i < set->count; i++) {
		ret = add_sockets(&cc, set->policies[i], lg_policy_id(cc.out, i),
				  &cc.out->policies[i]);
		if (ret)
			goto out_fail;
	}
	cc.out->policy_count = set->count;
	cc.out->cgroup_count = set->count;
	ret = add_bank_markers(&cc);
	if (!ret)
		ret = build_path_entries(&cc);
	if (!ret)
		ret = build_net_entries(&cc);
	if (ret)
		goto out_fail;
	free_items(&cc);
	*out = cc.out;
	return 0;

out_fail:
	free_items(&cc);
	lg_compiled_free(cc.out);
	if (ret != -ENOMEM && diag->lost != lost_before)
		ret = -ENOMEM; /* the reason could not be stored */
	if (ret == -ENOMEM)
		lg_diag_out_of_memory(diag, NULL);
	return ret;
}

int lg_compile(const struct lg_policy_set *set, __u64 seed, unsigned bank,
	       struct lg_compiled **out, struct lg_diag *diag)
{
	return compile_with_seed(set, seed, bank, true, out, diag);
}

int lg_compile_keeping_seed(const struct lg_policy_set *set, __u64 seed, unsigned bank,
			    __u64 (*draw_seed)(void), struct lg_compiled **out,
			    struct lg_diag *diag)
{
	int ret;

	if (!draw_seed)
		return lg_compile(set, seed, bank, out, diag);
	if (!seed)
		seed = draw_seed();
	for (int draws = 0;; draws++) {
		bool last = draws == LG_SEED_DRAWS;

		ret = compile_with_seed(set, seed, bank, last, out, diag);
		if (ret != -EAGAIN || last)
			return ret;
		seed = draw_seed();
	}
}

static int compare_path_entries(const void *a, const void *b)
{
	return lg_compare_path_keys(&((const struct lg_path_entry *)a)->key,
				    &((const struct lg_path_entry *)b)->key);
}

/* Append one record of lsmguard's own objects (merged with an equal key later). */
static int push_protected(struct lg_compiled *c, size_t *cap, __u32 class, __u64 hash, __u8 mask)
{
	struct lg_path_entry entry = {
		.key = {.policy = c->id_base + 1, .class = class, .hash = hash},
		.value = {.deny_mask = mask},
	};

	return push((void **)&c->beneath, &c->beneath_count, cap, sizeof(entry), &entry);
}

int lg_compiled_add_protected(struct lg_compiled *c, const char *const *paths, size_t count,
			      struct lg_diag *diag)
{
	return lg_compiled_add_protected_kinds(c, paths, NULL, count, diag);
}

int lg_compiled_add_protected_kinds(struct lg_compiled *c, const char *const *paths,
				    const __u8 *kinds, size_t count, struct lg_diag *diag)
{
	size_t cap = c->beneath_count, start = c->beneath_count, kept;
	__u64 hashes[LG_PATH_DEPTH_MAX + 1];
	char path[4096];
	int ret = 0;

	for (size_t i = 0; i < count && !ret; i++) {
		size_t len = lg_strcopy(path, sizeof(path), paths[i]);
		bool subtree = len > 1 && path[len - 1] == '/';
		unsigned depth;

		if (path[0] != '/' || len + 1 >= sizeof(path))
			continue; /* not a canonical absolute path: nothing the walk can meet */
		while (len > 0 && path[len - 1] == '/')
			path[--len] = '\0';
		depth = lg_path_prefix_hashes(c->seed, path, hashes, LG_PATH_DEPTH_MAX);
		if (depth == 0)
			continue; /* "/" itself is nobody's to protect */
		ret = push_protected(c, &cap, LG_PATH_CLASS_PROTECTED, hashes[depth],
				     (__u8)((1u << (subtree ? LG_SLOT_TREE_WRITE : LG_SLOT_EXACT_WRITE)) |
					    (kinds ? kinds[i] : 0)));
		for (unsigned d = 0; d < depth && !ret; d++)
			ret = push_protected(c, &cap, LG_PATH_CLASS_PROTECTED_BENEATH, hashes[d], 0);
	}
	if (ret) {
		lg_diag_out_of_memory(diag, NULL);
		return ret;
	}
	/*
	 * One entry per key: a directory above several objects is one marker. Only the records of
	 * lsmguard's own objects are sorted (those of an earlier call included, kept at the end):
	 * the compiler's markers are one per key already, and under other classes.
	 */
	while (start > 0 && c->beneath[start - 1].key.class >= LG_PATH_CLASS_PROTECTED)
		start--;
	if (c->beneath_count > start)
		qsort(c->beneath + start, c->beneath_count - start, sizeof(*c->beneath),
		      compare_path_entries);
	kept = start;
	for (size_t i = start; i < c->beneath_count; i++) {
		if (kept > start &&
		    lg_compare_path_keys(&c->beneath[kept - 1].key, &c->beneath[i].key) == 0) {
			__u8 *mask = &c->beneath[kept - 1].value.deny_mask;
			__u8 both = *mask & c->beneath[i].value.deny_mask;

			/* An object that is both lsmguard's and host code is lsmguard's: no opt-in
			 * reaches it (LG_PROTECTED_HOST stays only when every record has it). */
			*mask |= c->beneath[i].value.deny_mask;
			if (!(both & LG_PROTECTED_HOST))
				*mask &= (__u8)~LG_PROTECTED_HOST;
			continue;
		}
		c->beneath[kept++] = c->beneath[i];
	}
	c->beneath_count = kept;
	if (c->beneath_count > LG_MAX_BENEATH_ENTRIES) {
		lg_diag_add(diag, LG_SEV_ERROR, NULL, 0,
			    "the policies' rules and lsmguard's own objects lie beneath %zu "
			    "directories; the path map holds markers for %d (LG_MAX_BENEATH_ENTRIES)",
			    c->beneath_count, LG_MAX_BENEATH_ENTRIES);
		return -E2BIG;
	}
	return 0;
}

void lg_compiled_free(struct lg_compiled *compiled)
{
	if (!compiled)
		return;
	free(compiled->policies);
	free(compiled->paths);
	free(compiled->beneath);
	free(compiled->deny_filter);
	free(compiled->nets);
	free(compiled->cgroups);
	free(compiled->rules);
	while (compiled->texts) {
		struct lg_text_block *next = compiled->texts->next;

		free(compiled->texts);
		compiled->texts = next;
	}
	free(compiled);
}

const struct lg_policy_value *lg_compiled_policy(const struct lg_compiled *compiled, __u32 id)
{
	long index = lg_policy_index(compiled, id);

	return index < 0 ? NULL : &compiled->policies[index];
}

const struct lg_rule_source *lg_rule_source(const struct lg_compiled *compiled, __u32 rule_id)
{
	if (rule_id == 0 || rule_id > compiled->rule_count)
		return NULL;
	return &compiled->rules[rule_id - 1];
}

size_t lg_compiled_map_bytes(const struct lg_compiled *c)
{
	return c->policy_count * (sizeof(__u32) + sizeof(struct lg_policy_value)) +
	       (c->path_count + c->beneath_count) * sizeof(struct lg_path_entry) +
	       c->net_count * sizeof(struct lg_net_entry) +
	       c->cgroup_count * (sizeof(struct lg_cgroup_path_key) + sizeof(__u32));
}

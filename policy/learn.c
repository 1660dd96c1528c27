// SPDX-License-Identifier: GPL-2.0-only
/*
 * Learning: from what a service was seen doing (the objects of its audit events), the policy
 * that allows exactly that, written as INI text with comments.
 *
 * Files and mapped libraries are grouped by directory: a directory where at least
 * LG_LEARN_GROUP distinct objects were used becomes one subtree rule, and its comment says
 * how many objects were seen and names a few, so that a rule broader than the observation
 * says so. Fewer become exact rules, and so do the objects of a top-level directory (/etc/,
 * /var/), which is never grouped. A task's own /proc/PID/x becomes /proc/self/x (the kernel
 * matches that name for each task's own directory); other per-process names (/proc/PID/...,
 * /dev/pts/N) are folded into their directory, since the next run has other numbers.
 * Programs executed and destinations are exact. Every section gets default = deny; the policy is written in audit
 * mode for review.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define LG_LEARN_GROUP 3 /* distinct objects in one directory that make it a subtree rule */

struct learned_path {
	char *path;
	bool write;  /* files: opened for writing at least once */
	bool mapped; /* exec: mapped executable (a library), not executed */
};

struct learned_net {
	char *addr;
	char protocol[8]; /* tcp, udp, other */
	unsigned port;
	bool listen; /* a bind or listen at a local address: a listen rule */
};

struct lg_learn {
	struct learned_path *files, *execs;
	size_t file_count, exec_count;
	struct learned_net *nets;
	size_t net_count;
	__u64 capabilities; /* bit (1 << CAP_*) */
	size_t events;
	struct lg_sockets sockets; /* socket_create events: what a sockets line must add */
	size_t socket_count;
};

struct lg_learn *lg_learn_new(void)
{
	return calloc(1, sizeof(struct lg_learn));
}

void lg_learn_free(struct lg_learn *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->file_count; i++)
		free(l->files[i].path);
	for (size_t i = 0; i < l->exec_count; i++)
		free(l->execs[i].path);
	for (size_t i = 0; i < l->net_count; i++)
		free(l->nets[i].addr);
	free(l->files);
	free(l->execs);
	free(l->nets);
	free(l);
}

/* /proc/1234/x and /proc/self/x: /proc/ (a subtree); /dev/pts/3: /dev/pts/. NULL: as is. */
static const char *per_process_dir(const char *path)
{
	if (strncmp(path, "/proc/", 6) == 0 && path[6] &&
	    (strncmp(path + 6, "self", 4) == 0 || strncmp(path + 6, "thread-self", 11) == 0 ||
	     (path[6] >= '0' && path[6] <= '9')))
		return "/proc/";
	if (strncmp(path, "/dev/pts/", 9) == 0 && path[9] >= '0' && path[9] <= '9')
		return "/dev/pts/";
	return NULL;
}

/*
 * The task's own /proc/TGID/x as /proc/self/x, which the kernel matches for every task of the
 * policy (its threads' /proc/self/task/TID/ as that directory). *self: a new string, or NULL
 * when path is not in the task's own directory. -ENOMEM or 0.
 */
static int own_proc_path(const char *path, long tgid, char **self)
{
	char prefix[32];
	const char *rest;
	int n;

	*self = NULL;
	n = snprintf(prefix, sizeof(prefix), "/proc/%ld", tgid);
	if (tgid <= 0 || strncmp(path, prefix, (size_t)n) != 0 || (path[n] && path[n] != '/'))
		return 0;
	rest = path + n;
	if (strncmp(rest, "/task/", 6) == 0 && rest[6] >= '0' && rest[6] <= '9')
		rest = "/task/";
	if (asprintf(self, "/proc/self%s", rest) < 0) {
		*self = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* fold: per-process names become their directory (per_process_dir). */
static int add_path(struct learned_path **list, size_t *count, const char *path, bool write,
		    bool mapped, bool fold)
{
	const char *folded = fold ? per_process_dir(path) : NULL;
	struct learned_path *grown;

	if (path[0] != '/')
		return -EINVAL;
	if (folded)
		path = folded;
	for (size_t i = 0; i < *count; i++) {
		if (strcmp((*list)[i].path, path) == 0) {
			(*list)[i].write |= write;
			(*list)[i].mapped &= mapped; /* executed once: a program */
			return 0;
		}
	}
	grown = realloc(*list, (*count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	*list = grown;
	grown[*count] = (struct learned_path){.path = strdup(path), .write = write, .mapped = mapped};
	if (!grown[*count].path)
		return -ENOMEM;
	(*count)++;
	return 0;
}

int lg_learn_file(struct lg_learn *l, const char *path, bool write, long tgid)
{
	char *self;
	int ret = own_proc_path(path, tgid, &self);

	if (ret)
		return ret;
	l->events++;
	if (self) {
		ret = add_path(&l->files, &l->file_count, self, write, false, false);
		free(self);
		return ret;
	}
	return add_path(&l->files, &l->file_count, path, write, false, true);
}

int lg_learn_exec(struct lg_learn *l, const char *path, bool mapped)
{
	l->events++;
	return add_path(&l->execs, &l->exec_count, path, false, mapped, true);
}

int lg_learn_abstract(struct lg_learn *l, const char *name, bool listen)
{
	__u8 bytes[LG_ABSTRACT_NAME_MAX];
	struct learned_net *grown;
	char err[256];
	size_t len;
	bool prefix;

	l->events++;
	if (lg_parse_abstract(name, bytes, &len, &prefix, err, sizeof(err)) || prefix)
		return -EINVAL;
	for (size_t i = 0; i < l->net_count; i++)
		if (strcmp(l->nets[i].addr, name) == 0 && l->nets[i].listen == listen)
			return 0;
	grown = realloc(l->nets, (l->net_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	l->nets = grown;
	grown[l->net_count] = (struct learned_net){.addr = strdup(name), .listen = listen};
	if (!grown[l->net_count].addr)
		return -ENOMEM;
	l->net_count++;
	return 0;
}

static int learn_net(struct lg_learn *l, const char *addr, const char *protocol, unsigned port,
		     bool listen)
{
	struct learned_net *grown;

	l->events++;
	if (strcmp(protocol, "tcp") != 0 && strcmp(protocol, "udp") != 0 &&
	    strcmp(protocol, "other") != 0)
		return -EINVAL;
	/* A bind of a ping, UDP-Lite or DCCP socket: the only rule that matches it is an address
	 * alone, and "listen = 0.0.0.0" would let the service listen on every TCP and UDP port:
	 * not learnt (the default decides it; the administrator writes that rule knowingly). */
	if (strcmp(protocol, "other") == 0 && listen)
		return -EINVAL;
	if (strcmp(protocol, "other") == 0)
		port = 0; /* "allow = ADDR other": ping, raw IP, UDP-Lite, no TCP or UDP */
	for (size_t i = 0; i < l->net_count; i++)
		if (strcmp(l->nets[i].addr, addr) == 0 && strcmp(l->nets[i].protocol, protocol) == 0 &&
		    l->nets[i].port == port && l->nets[i].listen == listen)
			return 0;
	grown = realloc(l->nets, (l->net_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	l->nets = grown;
	grown[l->net_count] =
		(struct learned_net){.addr = strdup(addr), .port = port, .listen = listen};
	if (!grown[l->net_count].addr)
		return -ENOMEM;
	lg_strcopy(grown[l->net_count].protocol, sizeof(grown[l->net_count].protocol), protocol);
	l->net_count++;
	return 0;
}

int lg_learn_net(struct lg_learn *l, const char *addr, const char *protocol, unsigned port)
{
	return learn_net(l, addr, protocol, port, false);
}

int lg_learn_listen(struct lg_learn *l, const char *addr, const char *protocol, unsigned port)
{
	return learn_net(l, addr, protocol, port, true);
}

static int compare_paths(const void *a, const void *b)
{
	return strcmp(((const struct learned_path *)a)->path, ((const struct learned_path *)b)->path);
}

/* Length of path's directory part, its trailing slash included ("/etc/x" -> 5). */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) + 1 : 0;
}

struct learned_dir {
	const char *path; /* points into a learned_path: the first len bytes */
	size_t len, members;
	bool write, grouped, written;
};

static struct learned_dir *dir_of(struct learned_dir *dirs, size_t count, const char *path)
{
	size_t len = dir_len(path);

	for (size_t i = 0; i < count; i++)
		if (dirs[i].len == len && strncmp(dirs[i].path, path, len) == 0)
			return &dirs[i];
	return NULL;
}

/* Whether a grouped directory above path's own already allows it. */
static bool covered(const struct learned_dir *dirs, size_t count, const struct learned_path *p,
		    bool exec)
{
	for (size_t i = 0; i < count; i++)
		if (dirs[i].grouped && strncmp(dirs[i].path, p->path, dirs[i].len) == 0 &&
		    strlen(p->path) > dirs[i].len && (exec || dirs[i].write || !p->write))
			return true;
	return false;
}

/*
 * Write the rules of one list, sorted: a directory with at least LG_LEARN_GROUP objects
 * directly in it becomes one subtree rule (with a comment saying what was seen), the other
 * objects exact rules, unless a grouped directory above them allows them already.
 */
static int write_paths(FILE *out, struct learned_path *list, size_t count, bool exec)
{
	struct learned_dir *dirs = calloc(count + 1, sizeof(*dirs)), *d;
	size_t ndirs = 0;

	if (!dirs)
		return -ENOMEM;
	qsort(list, count, sizeof(*list), compare_paths);
	for (size_t i = 0; i < count; i++) {
		const char *p = list[i].path;

		if (p[strlen(p) - 1] == '/')
			continue; /* already a directory rule (folded per-process names) */
		d = dir_of(dirs, ndirs, p);
		if (!d) {
			d = &dirs[ndirs++];
			*d = (struct learned_dir){.path = p, .len = dir_len(p)};
		}
		d->members++;
		d->write |= list[i].write;
	}
	/* Never a top-level directory (/etc/, /var/, /tmp/): three files read in /etc must not
	 * become /etc/shadow. */
	for (size_t i = 0; i < ndirs; i++) {
		size_t slashes = 0;

		for (size_t k = 0; k < dirs[i].len; k++)
			slashes += dirs[i].path[k] == '/';
		dirs[i].grouped = dirs[i].members >= LG_LEARN_GROUP && slashes >= 3;
	}
	for (size_t i = 0; i < count; i++) {
		const struct learned_path *p = &list[i];
		const char *kind = exec || p->write ? "allow" : "allow-read";

		if (p->path[strlen(p->path) - 1] == '/') {
			fprintf(out, "; per-process names (/proc/PID, /proc/self/task/TID, "
				     "/dev/pts/N) seen: the directory\n");
			fprintf(out, "%s = %s\n", kind, p->path);
			continue;
		}
		d = dir_of(dirs, ndirs, p->path);
		if (d && d->grouped) {
			if (d->written)
				continue;
			d->written = true;
			fprintf(out, "; learned: %zu %s in %.*s (", d->members,
				exec ? "programs and libraries" : "files", (int)d->len, d->path);
			for (size_t k = i, shown = 0; k < count && shown < 3; k++) {
				if (dir_of(dirs, ndirs, list[k].path) != d)
					continue;
				fprintf(out, "%s%s", shown++ ? ", " : "", list[k].path + d->len);
			}
			fprintf(out, "%s): the rule allows the whole directory\n",
				d->members > 3 ? ", ..." : "");
			fprintf(out, "%s = %.*s\n", exec || d->write ? "allow" : "allow-read", (int)d->len,
				d->path);
			continue;
		}
		if (covered(dirs, ndirs, p, exec))
			continue;
		fprintf(out, "%s = %s\n", kind, p->path);
	}
	free(dirs);
	return 0;
}

static int compare_nets(const void *a, const void *b)
{
	const struct learned_net *x = a, *y = b;
	int c = (int)x->listen - (int)y->listen;

	if (c)
		return c;
	c = strcmp(x->addr, y->addr);

	if (c)
		return c;
	c = strcmp(x->protocol, y->protocol);
	return c ? c : (x->port > y->port) - (x->port < y->port);
}

/* A socket_create event's "socket" words ("inet6 raw", "packet", "netlink-audit"). */
int lg_learn_socket(struct lg_learn *l, const char *words)
{
	char word[64];

	l->events++;
	while (*words) {
		size_t len = strcspn(words, " ");

		if (len && len < sizeof(word)) {
			memcpy(word, words, len);
			word[len] = '\0';
			if (lg_sockets_add_word(&l->sockets, word))
				return -EINVAL;
		} else if (len) {
			return -EINVAL;
		}
		words += len + (words[len] == ' ');
	}
	l->socket_count++;
	return 0;
}

int lg_learn_capability(struct lg_learn *l, unsigned cap)
{
	if (cap >= LG_CAP_COUNT)
		return -EINVAL;
	l->capabilities |= 1ULL << cap;
	l->events++;
	return 0;
}

int lg_learn_write(struct lg_learn *l, FILE *out, const struct lg_learn_header *h)
{
	char listen_text[48] = "";
	size_t listens = 0;

	if (!h->name || (!h->cgroup == !h->unit))
		return -EINVAL;
	for (size_t i = 0; i < l->net_count; i++)
		listens += l->nets[i].listen;
	if (listens)
		snprintf(listen_text, sizeof(listen_text), ", %zu listen address%s", listens,
			 listens == 1 ? "" : "es");
	fprintf(out,
		"; Learned by lsmguard learn from %s: %zu events, %zu files, %zu programs and "
		"libraries, %zu destination%s%s, %d capabilit%s.\n"
		"; Review it, run it in audit mode and watch its events, then set mode = enforce.\n"
		"[policy]\nname = %s\n%s = %s\nmode = audit\n",
		h->source, l->events, l->file_count, l->exec_count, l->net_count - listens,
		l->net_count - listens == 1 ? "" : "s", listen_text,
		__builtin_popcountll(l->capabilities),
		__builtin_popcountll(l->capabilities) == 1 ? "y" : "ies", h->name,
		h->cgroup ? "cgroup" : "unit", h->cgroup ? h->cgroup : h->unit);
	fprintf(out, "\n[files]\ndefault = deny\n");
	if (write_paths(out, l->files, l->file_count, false))
		return -ENOMEM;
	fprintf(out, "\n[exec]\ndefault = deny\n");
	if (write_paths(out, l->execs, l->exec_count, true))
		return -ENOMEM;
	fprintf(out, "\n[network]\ndefault = deny\n");
	if (l->socket_count) {
		struct lg_sockets s;
		char words[300];

		lg_sockets_implied_deny(&s);
		s.families |= l->sockets.families;
		s.netlink |= l->sockets.netlink;
		s.inet |= l->sockets.inet;
		lg_sockets_format(&s, words, sizeof(words));
		fprintf(out, "; sockets beyond unix, inet, inet6 and netlink were created: %zu "
			     "event%s\nsockets = %s\n",
			l->socket_count, l->socket_count == 1 ? "" : "s", words);
	}
	qsort(l->nets, l->net_count, sizeof(*l->nets), compare_nets);
	/* A local address as seen: 0.0.0.0 and :: are the wildcard binds, port 0 an unbound
	 * socket's listen (some ephemeral port). */
	for (size_t i = 0; i < l->net_count; i++) {
		if (l->nets[i].addr[0] == '@') /* an abstract unix socket name: reached, or bound */
			fprintf(out, "%s = %s\n", l->nets[i].listen ? "listen" : "allow",
				l->nets[i].addr);
		else if (strcmp(l->nets[i].protocol, "other") == 0) /* ping, raw IP, UDP-Lite */
			fprintf(out, "%s = %s other\n", l->nets[i].listen ? "listen" : "allow",
				l->nets[i].addr);
		else
			fprintf(out, "%s = %s %s %u\n", l->nets[i].listen ? "listen" : "allow",
				l->nets[i].addr, l->nets[i].protocol, l->nets[i].port);
	}
	fprintf(out, "\n[capabilities]\n");
	if (!l->capabilities)
		fprintf(out, "; none was used: the service keeps none (a learning policy without "
			     "[capabilities] reports none)\n");
	for (unsigned cap = 0; cap < LG_CAP_COUNT; cap++)
		if (l->capabilities & (1ULL << cap))
			fprintf(out, "keep = %s\n", lg_capability_name(cap));
	return ferror(out) ? -EIO : 0;
}

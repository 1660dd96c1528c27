// SPDX-License-Identifier: GPL-2.0-only
/* The files a program needs to execute or map executable (elfdeps.h). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfdeps.h"

/* ---- /etc/ld.so.cache (glibc's "new" format, the only one ldconfig writes since 2.32) ---- */

#define LDCACHE_MAGIC "glibc-ld.so.cache1.1"
#define LDCACHE_HEADER 48 /* magic and version (20), nlibs, len_strings, flags, 3, ext, 3 x 4 */
#define LDCACHE_ENTRY 24  /* flags, key, value, osversion (4 each), hwcap (8) */
#define LDCACHE_LIBC6 0x0003
#define LDCACHE_X8664 0x0300

struct ldcache {
	char *data;
	size_t size;
	uint32_t nlibs;
};

static void ldcache_read(const char *path, struct ldcache *cache)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(cache, 0, sizeof(*cache));
	if (fd < 0)
		return;
	if (fstat(fd, &sb) == 0 && sb.st_size >= LDCACHE_HEADER && sb.st_size < (64 << 20)) {
		cache->data = malloc((size_t)sb.st_size + 1);
		if (cache->data &&
		    read(fd, cache->data, (size_t)sb.st_size) == (ssize_t)sb.st_size &&
		    memcmp(cache->data, LDCACHE_MAGIC, strlen(LDCACHE_MAGIC)) == 0) {
			cache->size = (size_t)sb.st_size;
			cache->data[cache->size] = '\0'; /* every string ends inside the buffer */
			memcpy(&cache->nlibs, cache->data + 20, sizeof(cache->nlibs));
			if (cache->nlibs > (cache->size - LDCACHE_HEADER) / LDCACHE_ENTRY)
				cache->nlibs = 0;
		} else {
			free(cache->data);
			cache->data = NULL;
		}
	}
	close(fd);
}

/* The path the cache gives an x86-64 library of this name, or NULL. */
static const char *ldcache_find(const struct ldcache *cache, const char *name)
{
	for (uint32_t i = 0; cache->data && i < cache->nlibs; i++) {
		const char *entry = cache->data + LDCACHE_HEADER + (size_t)i * LDCACHE_ENTRY;
		int32_t flags;
		uint32_t key, value;

		memcpy(&flags, entry, 4);
		memcpy(&key, entry + 4, 4);
		memcpy(&value, entry + 8, 4);
		if ((flags & 0xff) != LDCACHE_LIBC6 || (flags & 0xff00) != LDCACHE_X8664 ||
		    key >= cache->size || value >= cache->size)
			continue;
		if (strcmp(cache->data + key, name) == 0)
			return cache->data + value;
	}
	return NULL;
}

/* ---- one file: a script's interpreter, or an ELF object's loader, libraries and paths ---- */

#define MAX_NEEDED 128

struct object {
	bool elf;
	int class, machine; /* an ELF object's, to pick libraries of the same kind */
	char *interpreter;  /* "#!" or PT_INTERP */
	char *needed[MAX_NEEDED];
	size_t needed_count;
	char *runpath, *rpath;
};

static void object_free(struct object *o)
{
	free(o->interpreter);
	for (size_t i = 0; i < o->needed_count; i++)
		free(o->needed[i]);
	free(o->runpath);
	free(o->rpath);
	memset(o, 0, sizeof(*o));
}

/* A script's "#!" interpreter: 0 (none when the file is not a script), -ENOMEM. */
static int read_script(int fd, struct object *o)
{
	char line[256];
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
	char *start, *end;

	if (n < 3 || line[0] != '#' || line[1] != '!')
		return 0;
	line[n] = '\0';
	start = line + 2 + strspn(line + 2, " \t");
	end = start + strcspn(start, " \t\n");
	*end = '\0';
	if (*start != '/')
		return 0;
	o->interpreter = strdup(start);
	return o->interpreter ? 0 : -ENOMEM;
}

static int keep(char **field, const char *value)
{
	if (*field || !value)
		return 0;
	*field = strdup(value);
	return *field ? 0 : -ENOMEM;
}

/* An ELF object's PT_INTERP, DT_NEEDED, DT_RUNPATH and DT_RPATH. 0, or -ENOMEM. */
static int read_elf(Elf *e, struct object *o)
{
	size_t phnum = 0, size = 0;
	const char *raw = elf_rawfile(e, &size);
	Elf_Scn *scn = NULL;
	GElf_Ehdr ehdr;
	int ret = 0;

	if (!gelf_getehdr(e, &ehdr))
		return 0;
	o->elf = true;
	o->class = gelf_getclass(e);
	o->machine = ehdr.e_machine;
	if (raw && elf_getphdrnum(e, &phnum) == 0) {
		for (size_t i = 0; i < phnum; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_INTERP &&
			    ph.p_offset < size && ph.p_filesz <= size - ph.p_offset &&
			    memchr(raw + ph.p_offset, '\0', ph.p_filesz))
				ret = keep(&o->interpreter, raw + ph.p_offset);
		}
	}
	while (!ret && (scn = elf_nextscn(e, scn))) {
		Elf_Data *data;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || sh.sh_entsize == 0 ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; !ret && i < sh.sh_size / sh.sh_entsize; i++) {
			const char *s;
			GElf_Dyn dyn;

			if (!gelf_getdyn(data, (int)i, &dyn))
				break;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RUNPATH && dyn.d_tag != DT_RPATH)
				continue;
			s = elf_strptr(e, sh.sh_link, dyn.d_un.d_val);
			if (!s)
				continue;
			if (dyn.d_tag == DT_RUNPATH)
				ret = keep(&o->runpath, s);
			else if (dyn.d_tag == DT_RPATH)
				ret = keep(&o->rpath, s);
			else if (o->needed_count < MAX_NEEDED && !(o->needed[o->needed_count] = strdup(s)))
				ret = -ENOMEM;
			else if (o->needed_count < MAX_NEEDED)
				o->needed_count++;
		}
	}
	return ret;
}

/* path read as a script or an ELF object: 0 (neither: nothing needed), -errno; -EINVAL for
 * what is not a regular file. A service can name anything here (its own "#!" line, RUNPATH or
 * library names): a fifo must not block the reader, a device must not be opened as a
 * terminal, and a file it truncates meanwhile must not fault a mapping (read, not mapped). */
static int read_object(const char *path, struct object *o)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), ret;
	struct stat sb;
	Elf *e;

	memset(o, 0, sizeof(*o));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	ret = read_script(fd, o);
	if (!ret && !o->interpreter) {
		e = elf_begin(fd, ELF_C_READ, NULL);
		if (e && elf_kind(e) == ELF_K_ELF)
			ret = read_elf(e, o);
		if (e)
			elf_end(e);
	}
	close(fd);
	if (ret)
		object_free(o);
	return ret;
}

static bool is_regular(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Whether path is an ELF object of that class and machine (what the loader would take). */
static bool same_kind(const char *path, int class, int machine)
{
	struct object o;
	bool same;

	if (read_object(path, &o))
		return false;
	same = o.elf && o.class == class && o.machine == machine;
	object_free(&o);
	return same;
}

/* ---- the closure ---- */

struct walk {
	struct lg_elfdeps *out;
	struct ldcache cache;
	char *queue[LG_ELFDEPS_MAX + 1]; /* resolved paths still to read, the program first */
	size_t queued, read;
};

static bool seen(const struct walk *w, const char *path)
{
	for (size_t i = 0; i < w->queued; i++)
		if (strcmp(w->queue[i], path) == 0)
			return true;
	return false;
}

/* A dependency found at path (resolved), asked for as needed by the file by. */
static int add_dep(struct walk *w, enum lg_elfdep_kind kind, const char *path, const char *needed,
		   const char *by)
{
	struct lg_elfdep *dep;
	char *copy;

	if (seen(w, path))
		return 0;
	if (w->queued > LG_ELFDEPS_MAX)
		return -E2BIG;
	dep = realloc(w->out->deps, (w->out->count + 1) * sizeof(*dep));
	if (!dep)
		return -ENOMEM;
	w->out->deps = dep;
	dep = &w->out->deps[w->out->count];
	*dep = (struct lg_elfdep){kind, strdup(path), strdup(needed), strdup(by)};
	copy = strdup(path);
	if (!dep->path || !dep->needed || !dep->by || !copy) {
		free(dep->path);
		free(dep->needed);
		free(dep->by);
		free(copy);
		return -ENOMEM;
	}
	w->out->count++;
	w->queue[w->queued++] = copy;
	return 0;
}

static int add_missing(struct walk *w, const char *needed, const char *by)
{
	char **bigger = realloc(w->out->missing, (w->out->missing_count + 1) * sizeof(*bigger));

	if (!bigger)
		return -ENOMEM;
	w->out->missing = bigger;
	if (asprintf(&bigger[w->out->missing_count], "%s (needed by %s)", needed, by) < 0)
		return -ENOMEM;
	w->out->missing_count++;
	return 0;
}

/* A candidate directory of a search list: $ORIGIN (the asking file's directory) expanded; $LIB
 * and $PLATFORM as Debian's loader on x86-64 reads them. */
static bool expand_dir(const char *dir, size_t len, const char *by, char *out, size_t size)
{
	char origin[PATH_MAX], *slash;
	size_t used = 0;

	snprintf(origin, sizeof(origin), "%s", by);
	slash = strrchr(origin, '/');
	if (slash)
		*(slash == origin ? slash + 1 : slash) = '\0';
	for (size_t i = 0; i < len && used + 1 < size;) {
		static const struct {
			const char *token, *value;
		} tokens[] = {{"${ORIGIN}", NULL}, {"$ORIGIN", NULL}, {"${LIB}", "lib/x86_64-linux-gnu"},
			      {"$LIB", "lib/x86_64-linux-gnu"}, {"${PLATFORM}", "x86_64"},
			      {"$PLATFORM", "x86_64"}};
		bool done = false;

		for (size_t t = 0; !done && t < sizeof(tokens) / sizeof(tokens[0]); t++) {
			size_t tl = strlen(tokens[t].token);
			const char *value = tokens[t].value ? tokens[t].value : origin;

			if (len - i >= tl && strncmp(dir + i, tokens[t].token, tl) == 0) {
				used += (size_t)snprintf(out + used, size - used, "%s", value);
				i += tl;
				done = true;
			}
		}
		if (!done)
			out[used++] = dir[i++];
	}
	if (used >= size)
		return false;
	out[used] = '\0';
	return out[0] == '/';
}

/* The first directory of list (":"-separated) holding a library name of that kind, resolved
 * into found. */
static bool search(const char *list, const char *name, const char *by, int class, int machine,
		   char *found)
{
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ":");
		char dir[PATH_MAX], candidate[PATH_MAX];

		if (len && expand_dir(p, len, by, dir, sizeof(dir)) &&
		    snprintf(candidate, sizeof(candidate), "%s/%s", dir, name) <
			(int)sizeof(candidate) &&
		    same_kind(candidate, class, machine) && realpath(candidate, found))
			return true;
		p += len + (p[len] == ':');
	}
	return false;
}

static const char default_dirs[] = "/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:"
				   "/usr/lib64:/lib:/usr/lib";

/* Where the loader finds name for the object o at by: 0 found (resolved into found), -ENOENT. */
static int resolve_library(const struct walk *w, const struct object *o, const char *by,
			   const char *name, char *found)
{
	const char *cached;

	if (strchr(name, '/'))
		return realpath(name, found) && is_regular(found) ? 0 : -ENOENT;
	if (!o->runpath && search(o->rpath, name, by, o->class, o->machine, found))
		return 0;
	if (search(o->runpath, name, by, o->class, o->machine, found))
		return 0;
	cached = ldcache_find(&w->cache, name);
	if (cached && same_kind(cached, o->class, o->machine) && realpath(cached, found))
		return 0;
	return search(default_dirs, name, by, o->class, o->machine, found) ? 0 : -ENOENT;
}

/* Read one queued file and queue what it needs. */
static int read_next(struct walk *w)
{
	const char *by = w->queue[w->read++];
	char found[PATH_MAX];
	struct object o;
	int ret = read_object(by, &o);

	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		if (!w->out->unreadable && asprintf(&w->out->unreadable, "%s: %s", by,
						    strerror(-ret)) < 0)
			return -ENOMEM;
		return 0;
	}
	if (o.interpreter) {
		/* only a regular file is a program the kernel runs (a device is not) */
		if (realpath(o.interpreter, found) && is_regular(found))
			ret = add_dep(w, o.elf ? LG_ELFDEP_LOADER : LG_ELFDEP_SCRIPT_INTERPRETER, found,
				      o.interpreter, by);
		else
			ret = add_missing(w, o.interpreter, by);
	}
	for (size_t i = 0; !ret && i < o.needed_count; i++) {
		if (resolve_library(w, &o, by, o.needed[i], found) == 0)
			ret = add_dep(w, LG_ELFDEP_LIBRARY, found, o.needed[i], by);
		else
			ret = add_missing(w, o.needed[i], by);
	}
	object_free(&o);
	return ret;
}

int lg_elfdeps_of(const char *program, const char *ldcache, struct lg_elfdeps *out)
{
	struct walk w = {.out = out};
	char resolved[PATH_MAX];
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (!realpath(program, resolved))
		return errno == ENOMEM ? -ENOMEM : -ENOENT;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOTSUP;
	ldcache_read(ldcache ? ldcache : "/etc/ld.so.cache", &w.cache);
	w.queue[w.queued] = strdup(resolved);
	if (!w.queue[w.queued++])
		ret = -ENOMEM;
	while (!ret && w.read < w.queued)
		ret = read_next(&w);
	for (size_t i = 0; i < w.queued; i++)
		free(w.queue[i]);
	free(w.cache.data);
	if (ret)
		lg_elfdeps_free(out);
	return ret;
}

void lg_elfdeps_free(struct lg_elfdeps *deps)
{
	for (size_t i = 0; i < deps->count; i++) {
		free(deps->deps[i].path);
		free(deps->deps[i].needed);
		free(deps->deps[i].by);
	}
	free(deps->deps);
	for (size_t i = 0; i < deps->missing_count; i++)
		free(deps->missing[i]);
	free(deps->missing);
	free(deps->unreadable);
	memset(deps, 0, sizeof(*deps));
}

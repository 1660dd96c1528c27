// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsmguard's own objects, and the identity of its policy directory.
 *
 * Confined tasks cannot write, rename, remove or mount over what lsmguard runs from, reads and
 * writes (bpf_lsm/protected.bpf.h): the daemon names those paths here and the compiler turns
 * them into records of each bank. The kernel's walk names a file by its canonical path (a
 * symlink such as /lib -> usr/lib on a merged-/usr system is never on it), so each path is
 * given both as written and as it resolves.
 *
 * The policy directory is opened once at start and read through that descriptor. A reload
 * first checks that the path still leads to the same directory on the same mount: a directory
 * mounted over it, or put in its place, is not read (the reload is refused; a restart reads
 * whatever is there then, which is the administrator's explicit choice).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <link.h>

#include "selfprot.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif

/* The unit's files, wherever systemd looks for them (systemd.unit(5), "Unit File Load Path"). */
static const char *const unit_paths[] = {
    "/etc/systemd/system/lsmguard.service",
    "/etc/systemd/system/lsmguard.service.d/",
    "/etc/systemd/system.control/lsmguard.service",
    "/etc/systemd/system.control/lsmguard.service.d/",
    "/etc/systemd/system/basic.target.wants/lsmguard.service",
    "/run/systemd/system/lsmguard.service",
    "/run/systemd/system/lsmguard.service.d/",
    "/run/systemd/system.control/lsmguard.service",
    "/run/systemd/system.control/lsmguard.service.d/",
    "/run/systemd/transient/lsmguard.service",
    "/run/systemd/transient/lsmguard.service.d/",
    "/lib/systemd/system/lsmguard.service",
    "/lib/systemd/system/lsmguard.service.d/",
    "/usr/lib/systemd/system/lsmguard.service",
    "/usr/lib/systemd/system/lsmguard.service.d/",
    "/usr/local/lib/systemd/system/lsmguard.service",
    "/usr/local/lib/systemd/system/lsmguard.service.d/",
    "/etc/lsmguard/",
    /*
     * What the next start of lsmguard reads before its own code runs: drop-ins and manager
     * settings that apply to every service (an Environment=LD_PRELOAD there would load a
     * confined service's library into lsmguard), and the dynamic loader's own settings.
     */
    "/etc/systemd/system/service.d/",
    "/run/systemd/system/service.d/",
    "/lib/systemd/system/service.d/",
    "/usr/lib/systemd/system/service.d/",
    "/etc/systemd/system.conf",
    "/etc/systemd/system.conf.d/",
    "/run/systemd/system.conf.d/",
    "/lib/systemd/system.conf.d/",
    "/usr/lib/systemd/system.conf.d/",
    "/etc/ld.so.preload",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d/",
    "/etc/ld.so.cache",
};

/*
 * Host code (LG_PROTECTED_HOST, built-in LG_BUILTIN_HOST_CODE): what the kernel, systemd, udev,
 * cron, the package manager and root's own logins run or obey as root, outside every policy. A
 * confined task that writes one of these has left its policy for good at the next boot, daemon
 * reload, module load, cron minute or package upgrade. Refused unless a write rule of the policy
 * names the place (at or beneath the directory listed here: allow-write = / or = /etc/ do not
 * name /etc/cron.d/) or the policy says [system] host-code = allow. The broad trees come first;
 * the directories inside them that run code are listed again, so that a rule naming the broad
 * tree still does not name them.
 */
static const char *const host_code_paths[] = {
    /* Programs and libraries every root component runs, the kernel and what boots it. */
    "/usr/",
    "/bin/",
    "/sbin/",
    "/lib/",
    "/lib32/",
    "/lib64/",
    "/libx32/",
    "/boot/",
    "/efi/",
    /* Settings, scripts and accounts, and root's home (its shell's start files, its keys). */
    "/etc/",
    "/root/",
    /* Programs installed outside the package manager, and every user's home: their shells'
     * start files, ~/.ssh/authorized_keys, their user units (~/.config/systemd/user/). */
    "/opt/",
    "/home/",
    /* systemd: units, drop-ins, generators (run as root at boot and at every daemon-reload);
     * everything in /run/systemd/ (what the managers, logind, resolved and networkd keep and
     * obey: user generators and settings, sessions, the resolver's resolv.conf) and
     * /var/lib/systemd/ (lingering users, timers' stamps, the random seed); every user's
     * runtime directory (/run/user/UID/systemd/: the user manager's units and generators). */
    "/etc/systemd/",
    "/run/systemd/",
    "/var/lib/systemd/",
    "/run/user/",
    /* udevd's database (a device's tags and properties: SYSTEMD_WANTS= makes PID 1 start a
     * unit when the device appears) and NetworkManager's runtime settings and dispatcher
     * hooks (run as root), found by attack run 5. */
    "/run/udev/",
    "/run/NetworkManager/",
    "/run/systemd/system/",
    "/run/systemd/system.control/",
    "/run/systemd/system.attached/",
    "/run/systemd/transient/",
    "/run/systemd/generator/",
    "/run/systemd/generator.early/",
    "/run/systemd/generator.late/",
    "/run/systemd/system-generators/",
    "/run/systemd/system-environment-generators/",
    "/run/systemd/user/",
    "/usr/lib/systemd/",
    "/usr/local/lib/systemd/",
    "/usr/lib/environment.d/",
    "/run/environment.d/",
    /* What boot-time services apply: tmpfiles (creates, writes and removes anything),
     * sysctl, binfmt (an interpreter the kernel runs), modules, udev rules (RUN+=). */
    "/etc/tmpfiles.d/",
    "/run/tmpfiles.d/",
    "/usr/lib/tmpfiles.d/",
    "/etc/sysctl.conf",
    "/etc/sysctl.d/",
    "/run/sysctl.d/",
    "/usr/lib/sysctl.d/",
    "/etc/binfmt.d/",
    "/run/binfmt.d/",
    "/usr/lib/binfmt.d/",
    "/etc/modules",
    "/etc/modules-load.d/",
    "/run/modules-load.d/",
    "/usr/lib/modules-load.d/",
    "/etc/modprobe.d/",
    "/run/modprobe.d/",
    "/usr/lib/modprobe.d/",
    "/etc/depmod.d/",
    "/usr/lib/modules/",
    "/usr/lib/firmware/",
    "/etc/udev/",
    "/run/udev/rules.d/",
    "/usr/lib/udev/",
    /* SysV scripts (systemd-sysv-generator makes units of them). */
    "/etc/init.d/",
    "/etc/rc0.d/",
    "/etc/rc1.d/",
    "/etc/rc2.d/",
    "/etc/rc3.d/",
    "/etc/rc4.d/",
    "/etc/rc5.d/",
    "/etc/rc6.d/",
    "/etc/rcS.d/",
    "/etc/rc.local",
    /* Timed jobs. */
    "/etc/crontab",
    "/etc/cron.d/",
    "/etc/cron.hourly/",
    "/etc/cron.daily/",
    "/etc/cron.weekly/",
    "/etc/cron.monthly/",
    "/etc/cron.yearly/",
    "/etc/anacrontab",
    "/var/spool/cron/",
    "/var/spool/anacron/",
    /* Logins and privilege: accounts, PAM (pam_exec runs programs), sudo, sshd's settings and
     * root's keys, the shells' start files. */
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/subuid",
    "/etc/subgid",
    "/etc/sudoers",
    "/etc/sudoers.d/",
    "/etc/pam.conf",
    "/etc/pam.d/",
    "/etc/security/",
    "/etc/ssh/",
    "/etc/environment",
    "/etc/profile",
    "/etc/profile.d/",
    "/etc/bash.bashrc",
    "/etc/bash_completion.d/",
    "/etc/update-motd.d/",
    "/etc/polkit-1/",
    "/var/lib/polkit-1/",
    "/run/sudo/",
    "/var/lib/sudo/",
    "/var/lib/AccountsService/",
    "/etc/dbus-1/",
    /* What the package manager runs as root at the next install or upgrade (hooks, maintainer
     * scripts, configuration that is code). */
    "/etc/apt/",
    "/var/lib/apt/",
    "/var/cache/apt/",
    "/var/cache/debconf/",
    "/var/lib/ucf/",
    "/etc/dpkg/",
    "/var/lib/dpkg/",
    "/etc/kernel/",
    "/etc/initramfs-tools/",
    "/var/lib/dkms/",
    "/etc/needrestart/",
    "/etc/ca-certificates/",
    "/etc/default/",
    "/etc/grub.d/",
    /* Hooks of daemons that run as root: log rotation, network and DHCP events, syslog's
     * program outputs, mounts at boot, other LSMs' profiles. */
    "/etc/logrotate.conf",
    "/etc/logrotate.d/",
    "/etc/network/",
    "/etc/NetworkManager/",
    "/etc/dhcp/",
    "/etc/ppp/",
    "/etc/rsyslog.conf",
    "/etc/rsyslog.d/",
    "/etc/fstab",
    "/etc/crypttab",
    "/etc/apparmor/",
    "/etc/apparmor.d/",
};

/*
 * The service manager's sockets (LG_BUILTIN_SERVICE_MANAGER, bpf_lsm/unix.bpf.c): a confined
 * task may not connect or send to them, nor rename, unlink or replace them (protected objects
 * like the others). Through either one, root asks PID 1 to start a unit outside every policy or
 * to stop lsmguard. /run/initctl is systemd-initctl's FIFO, the SysV way to change the runlevel
 * (runlevel 1 isolates rescue.target): a protected object, so no confined task opens it for
 * writing. And where lsmguard's events go and stay (kind 0: services still connect and send to
 * the sockets): journald's sockets (stdout renamed away, every later event of every daemon is
 * lost or goes to whoever binds the name), PID 1's notify socket (Type=notify units, lsmguard's
 * among them, never become ready), and the journal files (truncated, the record is gone).
 */
static const struct {
	const char *path;
	__u8 kind;
} manager_objects[] = {
    {"/run/systemd/private", LG_PROTECTED_MANAGER_PRIVATE},
    /* Root daemons' control sockets, which act on any root caller: journald's varlink
     * (RelinquishVar moves the journal to /run, Rotate, FlushToVar), udevd's (stop the exec
     * queue, exit: no device is handled), PID 1's and oomd's ManagedOOM. */
    {"/run/systemd/journal/io.systemd.journal", LG_PROTECTED_MANAGER_PRIVATE},
    {"/run/udev/control", LG_PROTECTED_MANAGER_PRIVATE},
    {"/run/systemd/io.system.ManagedOOM", LG_PROTECTED_MANAGER_PRIVATE},
    {"/run/systemd/oom/io.system.ManagedOOM", LG_PROTECTED_MANAGER_PRIVATE},
    {"/run/dbus/system_bus_socket", LG_PROTECTED_MANAGER_BUS},
    {"/var/run/dbus/system_bus_socket", LG_PROTECTED_MANAGER_BUS},
    {"/run/initctl", 0},
    {"/run/systemd/journal/", 0},
    {"/run/systemd/notify", 0},
    {"/dev/log", 0},
    {"/run/log/journal/", 0},
    {"/var/log/journal/", 0},
};

static int add_resolved(struct lg_protected *p, const char *path, __u8 kind);

/*
 * Resolving ~250 paths with realpath() costs one readlink() per component of each: about 950
 * system calls a collection, at every reload (6 ms of an 11-rule reload under emulation). The
 * paths share their directories, so each prefix is resolved once per collection and kept here
 * (open addressing; a prefix that does not exist is kept as NULL).
 */
#define LG_RESOLVED_SLOTS 2048
struct lg_resolved {
	char *key[LG_RESOLVED_SLOTS];
	char *real[LG_RESOLVED_SLOTS];
	size_t used;
	/* and the paths added so far, by their text: their index in lg_protected.paths */
	const char *added[LG_RESOLVED_SLOTS];
	size_t index[LG_RESOLVED_SLOTS];
	size_t added_count;
};

static size_t text_hash(const char *text)
{
	size_t h = 5381;

	for (const char *c = text; *c; c++)
		h = h * 33 + (unsigned char)*c;
	return h % LG_RESOLVED_SLOTS;
}

static size_t resolved_slot(const struct lg_resolved *r, const char *key)
{
	size_t h = text_hash(key);

	while (r->key[h] && strcmp(r->key[h], key))
		h = (h + 1) % LG_RESOLVED_SLOTS;
	return h;
}

static size_t added_slot(const struct lg_resolved *r, const char *text)
{
	size_t h = text_hash(text);

	while (r->added[h] && strcmp(r->added[h], text))
		h = (h + 1) % LG_RESOLVED_SLOTS;
	return h;
}

static void resolved_free(struct lg_resolved *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < LG_RESOLVED_SLOTS; i++) {
		free(r->key[i]);
		free(r->real[i]);
	}
	free(r);
}

/*
 * realpath() of an absolute path of plain components ("." and ".." are left to realpath()),
 * through r. Returns a new string, or NULL when the path does not exist (or on no memory).
 */
static char *resolve(struct lg_resolved *r, const char *path)
{
	char parent[PATH_MAX], target[2], *real = NULL, *up, *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : "";
	size_t slot;

	if (!r || !slash || !*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    strlen(path) >= sizeof(parent) || r->used >= LG_RESOLVED_SLOTS / 2)
		return realpath(path, NULL);
	slot = resolved_slot(r, path);
	if (r->key[slot])
		return r->real[slot] ? strdup(r->real[slot]) : NULL;
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	up = slash == path ? strdup("/") : resolve(r, parent);
	if (up) {
		char *joined;

		if (asprintf(&joined, "%s/%s", strcmp(up, "/") ? up : "", base) >= 0) {
			if (readlink(joined, target, sizeof(target)) >= 0) {
				real = realpath(joined, NULL); /* a link: realpath follows it */
				free(joined);
			} else if (errno == EINVAL) {
				real = joined; /* there, and not a symbolic link */
			} else {
				free(joined); /* not there (ENOENT, ENOTDIR), or unreadable */
			}
		}
		free(up);
	}
	slot = resolved_slot(r, path); /* the recursion may have filled slots */
	r->key[slot] = strdup(path);
	if (r->key[slot]) {
		r->real[slot] = real ? strdup(real) : NULL;
		r->used++;
	}
	return real;
}

/*
 * What an account's logins and mail run, in its home (LG_PROTECTED_HOST): its ssh keys and rc,
 * the shells' start files, ~/.forward (a "|program" the mail system runs as the account), its
 * user manager's units and environment, the desktop's autostart. /home and /root are host code
 * as a whole; these name the homes elsewhere (Debian's postgres account logs in with
 * /var/lib/postgresql as its home).
 */
static const char *const login_files[] = {
    ".ssh/",	     ".profile",     ".bash_profile", ".bash_login",	     ".bashrc",
    ".bash_logout",  ".zshenv",	     ".zprofile",     ".zshrc",		     ".zlogin",
    ".cshrc",	     ".tcshrc",	     ".login",	      ".forward",	     ".pam_environment",
    ".rhosts",	     ".shosts",	     ".k5login",      ".config/systemd/",    ".config/environment.d/",
    ".config/autostart/",
};

/* Whether an account with this shell can log in (nologin and false refuse every session). */
static bool login_shell(const char *shell)
{
	static const char *const refusing[] = {"nologin", "false", "sync", "halt", "shutdown"};
	const char *base = strrchr(shell, '/');

	base = base ? base + 1 : shell;
	if (!*base)
		return false;
	for (size_t i = 0; i < sizeof(refusing) / sizeof(refusing[0]); i++)
		if (strcmp(base, refusing[i]) == 0)
			return false;
	return true;
}

/*
 * The login files of every account in /etc/passwd that has a shell and an existing home other
 * than /. The file itself, not NSS: a directory service's accounts are not read at every reload
 * (their homes are usually under /home). No /etc/passwd: nothing to add.
 */
static int add_login_homes(struct lg_protected *p)
{
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw;
	int ret = 0;

	if (!f)
		return 0;
	while (!ret && (pw = fgetpwent(f))) {
		struct stat st;
		char path[PATH_MAX];

		if (!pw->pw_dir || pw->pw_dir[0] != '/' || strcmp(pw->pw_dir, "/") == 0 ||
		    !pw->pw_shell || !login_shell(pw->pw_shell) || stat(pw->pw_dir, &st) != 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		for (size_t i = 0; i < sizeof(login_files) / sizeof(login_files[0]) && !ret; i++)
			if (snprintf(path, sizeof(path), "%s/%s", pw->pw_dir, login_files[i]) <
			    (int)sizeof(path))
				ret = add_resolved(p, path, LG_PROTECTED_HOST);
	}
	fclose(f);
	return ret;
}

/* Each shared object loaded into this process (libbpf, libelf, libc...): protected too. */
static int add_loaded_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	if (!info->dlpi_name || info->dlpi_name[0] != '/')
		return 0; /* the executable itself (""), the vDSO */
	return add_resolved(data, info->dlpi_name, 0) ? 1 : 0;
}

/* The index of the path already added as path itself or, for a tree, as "path/"; count: none. */
static size_t find_added(const struct lg_protected *p, const char *path, bool tree)
{
	const struct lg_resolved *r = p->resolved;
	size_t len = strlen(path);

	if (!r || r->added_count >= LG_RESOLVED_SLOTS / 2) {
		for (size_t i = 0; i < p->count; i++) {
			size_t have = strlen(p->paths[i]);

			if (strncmp(p->paths[i], path, len) == 0 &&
			    (have == len || (have == len + 1 && tree && p->paths[i][len] == '/')))
				return i;
		}
		return p->count;
	}
	{
		size_t slot = added_slot(r, path);
		char slashed[PATH_MAX + 1];

		if (r->added[slot])
			return r->index[slot];
		if (!tree || len + 1 >= sizeof(slashed))
			return p->count;
		memcpy(slashed, path, len);
		memcpy(slashed + len, "/", 2);
		slot = added_slot(r, slashed);
		return r->added[slot] ? r->index[slot] : p->count;
	}
}

static int add(struct lg_protected *p, const char *path, bool tree, __u8 kind)
{
	char **bigger;
	__u8 *kinds;
	size_t len = strlen(path), i = find_added(p, path, tree);

	if (i < p->count) {
		/* lsmguard's own and host code: lsmguard's (no opt-in reaches it). */
		__u8 host = p->kinds[i] & kind & LG_PROTECTED_HOST;

		p->kinds[i] = (__u8)(((p->kinds[i] | kind) & ~LG_PROTECTED_HOST) | host);
		return 0; /* already there */
	}
	bigger = realloc(p->paths, (p->count + 1) * sizeof(*bigger));
	if (!bigger)
		return -ENOMEM;
	p->paths = bigger;
	kinds = realloc(p->kinds, (p->count + 1) * sizeof(*kinds));
	if (!kinds)
		return -ENOMEM;
	p->kinds = kinds;
	if (asprintf(&p->paths[p->count], "%s%s", path, tree && len > 1 ? "/" : "") < 0)
		return -ENOMEM;
	p->kinds[p->count] = kind;
	if (p->resolved && p->resolved->added_count < LG_RESOLVED_SLOTS / 2) {
		size_t slot = added_slot(p->resolved, p->paths[p->count]);

		p->resolved->added[slot] = p->paths[p->count];
		p->resolved->index[slot] = p->count;
		p->resolved->added_count++;
	}
	p->count++;
	return 0;
}

/*
 * Add path as written and as it resolves: the whole path when it exists, else its directory
 * (a file not made yet, such as a drop-in directory an administrator may create).
 */
static int add_resolved(struct lg_protected *p, const char *path, __u8 kind)
{
	char buf[PATH_MAX], *real, *slash;
	size_t len = strlen(path);
	bool tree = len > 1 && path[len - 1] == '/';
	int ret;

	if (len + 2 >= sizeof(buf))
		return 0;
	if (path[0] != '/') {
		/* Relative to the working directory (--policy-dir pd, --log x.log). */
		char cwd[PATH_MAX];
		int n;

		if (!getcwd(cwd, sizeof(cwd)))
			return 0;
		n = snprintf(buf, sizeof(buf), "%s/%s", strcmp(cwd, "/") ? cwd : "", path);
		if (n < 0 || (size_t)n >= sizeof(buf))
			return 0;
		len = (size_t)n;
	} else {
		memcpy(buf, path, len + 1);
	}
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	ret = add(p, buf, tree, kind);
	if (ret)
		return ret;
	real = resolve(p->resolved, buf);
	if (real) {
		ret = add(p, real, tree, kind);
		free(real);
		return ret;
	}
	slash = strrchr(buf, '/');
	if (!slash || slash == buf)
		return 0;
	*slash = '\0';
	real = resolve(p->resolved, buf);
	if (!real)
		return 0;
	{
		char *full;

		if (asprintf(&full, "%s/%s", strcmp(real, "/") ? real : "", slash + 1) < 0) {
			free(real);
			return -ENOMEM;
		}
		ret = add(p, full, tree, kind);
		free(full);
	}
	free(real);
	return ret;
}

/*
 * The programs the kernel itself starts as root, named by kernel settings: the module loader
 * (kernel.modprobe), a pipe core_pattern's helper, kernel.poweroff_cmd, the uevent helper and
 * each binfmt_misc entry's interpreter. Confined tasks cannot change the settings (knobs.bpf.h);
 * these make the files they name host code too, wherever an administrator put them. Read at
 * start and at every reload; a setting that cannot be read adds nothing.
 */
static int add_setting_program(struct lg_protected *p, const char *setting, const char *prefix)
{
	char line[PATH_MAX + 64], *start, *end;
	size_t plen = prefix ? strlen(prefix) : 0;
	FILE *f = fopen(setting, "re");
	int ret = 0;

	if (!f)
		return 0;
	while (!ret && fgets(line, sizeof(line), f)) {
		start = line;
		if (prefix) {
			if (strncmp(line, prefix, plen) != 0)
				continue;
			start += plen;
		}
		while (*start == ' ' || *start == '|')
			start++;
		end = start + strcspn(start, " \t\n");
		*end = '\0';
		if (start[0] == '/')
			ret = add_resolved(p, start, LG_PROTECTED_HOST);
	}
	fclose(f);
	return ret;
}

static int add_kernel_programs(struct lg_protected *p)
{
	static const char *const settings[] = {
	    "/proc/sys/kernel/modprobe",
	    "/proc/sys/kernel/poweroff_cmd",
	    "/proc/sys/kernel/hotplug",
	    "/sys/kernel/uevent_helper",
	};
	char core[PATH_MAX + 64];
	int ret = 0;
	FILE *f;
	DIR *dir;
	struct dirent *entry;

	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]) && !ret; i++)
		ret = add_setting_program(p, settings[i], NULL);
	/* core_pattern names a program only as "|program args" (else it is a file name). */
	f = fopen("/proc/sys/kernel/core_pattern", "re");
	if (f) {
		if (!ret && fgets(core, sizeof(core), f) && core[0] == '|')
			ret = add_setting_program(p, "/proc/sys/kernel/core_pattern", NULL);
		fclose(f);
	}
	dir = opendir("/proc/sys/fs/binfmt_misc");
	while (!ret && dir && (entry = readdir(dir))) {
		char path[PATH_MAX];

		if (entry->d_name[0] == '.' || !strcmp(entry->d_name, "register") ||
		    !strcmp(entry->d_name, "status"))
			continue;
		snprintf(path, sizeof(path), "/proc/sys/fs/binfmt_misc/%s", entry->d_name);
		ret = add_setting_program(p, path, "interpreter ");
	}
	if (dir)
		closedir(dir);
	return ret;
}

int lg_protected_collect(struct lg_protected *out, const char *policy_dir, const char *state_dir,
			 const char *metrics, const char *log)
{
	char exe[PATH_MAX], dir[PATH_MAX];
	ssize_t len;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->resolved = calloc(1, sizeof(*out->resolved)); /* without it: plain realpath() */
	snprintf(dir, sizeof(dir), "%s/", policy_dir);
	ret = add_resolved(out, dir, 0);
	snprintf(dir, sizeof(dir), "%s/", state_dir);
	if (!ret)
		ret = add_resolved(out, dir, 0);
	for (size_t i = 0; i < sizeof(unit_paths) / sizeof(unit_paths[0]) && !ret; i++)
		ret = add_resolved(out, unit_paths[i], 0);
	for (size_t i = 0; i < sizeof(manager_objects) / sizeof(manager_objects[0]) && !ret; i++)
		ret = add_resolved(out, manager_objects[i].path, manager_objects[i].kind);
	for (size_t i = 0; i < sizeof(host_code_paths) / sizeof(host_code_paths[0]) && !ret; i++)
		ret = add_resolved(out, host_code_paths[i], LG_PROTECTED_HOST);
	if (!ret)
		ret = add_kernel_programs(out);
	if (!ret)
		ret = add_login_homes(out);
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0 && !ret) {
		exe[len] = '\0';
		if (len > 10 && strcmp(exe + len - 10, " (deleted)") == 0)
			exe[len - 10] = '\0';
		ret = add_resolved(out, exe, 0);
	}
	if (!ret && dl_iterate_phdr(add_loaded_object, out))
		ret = -ENOMEM;
	if (metrics && !ret)
		ret = add_resolved(out, metrics, 0);
	if (log && !ret)
		ret = add_resolved(out, log, 0);
	resolved_free(out->resolved);
	out->resolved = NULL;
	if (ret)
		lg_protected_free(out);
	return ret;
}

/*
 * A place, and each of its directories that does not exist yet as a name of its own: a place
 * protected by its text alone could be redirected by whoever may create the missing directory
 * above it (a symbolic link /srv/billing -> /tmp/x makes /srv/billing/bin/ /tmp/x/bin/), so
 * that name is protected too until the administrator makes it.
 */
int lg_protected_add_host_code(struct lg_protected *p, char *const *paths, size_t count)
{
	char prefix[PATH_MAX];
	struct stat sb;
	int ret = 0;

	for (size_t i = 0; i < count && !ret; i++) {
		size_t len = strlen(paths[i]);

		ret = add_resolved(p, paths[i], LG_PROTECTED_HOST);
		if (len >= sizeof(prefix))
			continue;
		memcpy(prefix, paths[i], len + 1);
		for (char *slash = strchr(prefix + 1, '/'); slash && !ret && slash[1];
		     slash = strchr(slash + 1, '/')) {
			*slash = '\0';
			if (lstat(prefix, &sb) != 0 && errno == ENOENT)
				ret = add_resolved(p, prefix, LG_PROTECTED_HOST);
			*slash = '/';
		}
	}
	return ret;
}

void lg_protected_free(struct lg_protected *p)
{
	for (size_t i = 0; i < p->count; i++)
		free(p->paths[i]);
	free(p->paths);
	free(p->kinds);
	memset(p, 0, sizeof(*p));
}

/* What dirfd/name leads to; flags AT_EMPTY_PATH for the descriptor itself. */
static int identify(int dirfd, const char *name, int flags, struct statx *stx)
{
	if (statx(dirfd, name, flags | AT_STATX_SYNC_AS_STAT, STATX_TYPE | STATX_INO | STATX_MNT_ID,
		  stx))
		return -errno;
	return 0;
}

int lg_policy_dir_open(struct lg_policy_dir *dir, const char *path, char *err, size_t errsize)
{
	struct statx stx;
	int ret;

	memset(dir, 0, sizeof(*dir));
	dir->path = path;
	dir->fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir->fd < 0) {
		ret = -errno;
		snprintf(err, errsize, "cannot open the policy directory %s: %s", path,
			 strerror(-ret));
		return ret;
	}
	ret = identify(dir->fd, "", AT_EMPTY_PATH, &stx);
	if (ret) {
		snprintf(err, errsize, "cannot stat the policy directory %s: %s", path,
			 strerror(-ret));
		close(dir->fd);
		dir->fd = -1;
		return ret;
	}
	dir->dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	dir->ino = stx.stx_ino;
	dir->has_mnt_id = stx.stx_mask & STATX_MNT_ID;
	dir->mnt_id = dir->has_mnt_id ? stx.stx_mnt_id : 0;
	return 0;
}

int lg_policy_dir_check(const struct lg_policy_dir *dir, char *reason, size_t size)
{
	struct statx stx;
	int ret = identify(AT_FDCWD, dir->path, 0, &stx);

	if (ret) {
		snprintf(reason, size, "the policy directory %s cannot be looked up: %s", dir->path,
			 strerror(-ret));
		return ret;
	}
	if (makedev(stx.stx_dev_major, stx.stx_dev_minor) != dir->dev || stx.stx_ino != dir->ino) {
		snprintf(reason, size,
			 "%s is no longer the policy directory lsmguard started with (another "
			 "directory is there now); restart lsmguard to read it",
			 dir->path);
		return -ESTALE;
	}
	if (dir->has_mnt_id && (stx.stx_mask & STATX_MNT_ID) && stx.stx_mnt_id != dir->mnt_id) {
		snprintf(
		    reason, size,
		    "%s is no longer the policy directory lsmguard started with (it is reached "
		    "through another mount: mount %llu, was %llu); restart lsmguard to read it",
		    dir->path, (unsigned long long)stx.stx_mnt_id, (unsigned long long)dir->mnt_id);
		return -ESTALE;
	}
	return 0;
}

void lg_policy_dir_close(struct lg_policy_dir *dir)
{
	if (dir->fd >= 0)
		close(dir->fd);
	dir->fd = -1;
}

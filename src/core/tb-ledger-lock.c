/* tb-ledger-lock.c: SQLite's file locks, safe from other code closing a descriptor
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tb-ledger-private.h"

/* SQLite's unix VFS locks with POSIX record locks (fcntl F_SETLK). Those belong to the process,
 * and closing ANY descriptor of the file in the process releases all of them: a file chooser,
 * a thumbnailer or any library that merely opens and closes the ledger, its -wal or its -shm
 * silently drops SQLite's locks. Another process (tulbur-cli) can then take the exclusive lock
 * on its last close, checkpoint and delete the WAL this process is still writing to, and this
 * process's later commits become invisible to everyone else (a pitfall SQLite documents).
 *
 * So Tulbur replaces the VFS's "fcntl" system call. A lock request on a file becomes an open
 * file description (OFD) lock on ONE descriptor per inode that this file opens itself (through
 * /proc/self/fd) and that no other code can close:
 * - OFD locks belong to that open file description, not to the process, so closing any other
 *   descriptor leaves them in place;
 * - all the process's locks on a file still go through one owner, exactly as POSIX locks do,
 *   which is what the unix VFS relies on (it shares lock state between the connections of a
 *   process per inode and takes each OS lock once);
 * - OFD and POSIX locks on Linux conflict with each other, so plain SQLite in other processes
 *   (the sqlite3 tool, an older tulbur-cli) is still excluded correctly.
 * This covers the database file and the -shm file (the WAL locks live there); SQLite never locks
 * the -wal file. Other fcntl commands pass through unchanged, and SQLite's own closes release
 * the locks as POSIX would (tb_ledger_close).
 * Limits: the descriptors are close-on-exec, but a child forked without exec shares the locks
 * until it exits; without OFD locks (not Linux) SQLite keeps its POSIX locks and the pitfall. */

#if defined(F_OFD_SETLK) && defined(__linux__)

typedef struct
{
  dev_t dev;
  ino_t ino;
} LockKey;

static GMutex lock_fds_mutex;
static GHashTable *lock_fds;   /* LockKey* → descriptor + 1 (GINT_TO_POINTER) */

static guint
lock_key_hash (gconstpointer data)
{
  const LockKey *key = data;

  return (guint) key->ino ^ (guint) ((guint64) key->ino >> 32) ^ (guint) key->dev;
}

static gboolean
lock_key_equal (gconstpointer a,
                gconstpointer b)
{
  const LockKey *x = a;
  const LockKey *y = b;

  return x->dev == y->dev && x->ino == y->ino;
}

/* A new open file description of the file behind @fd: read-write when allowed (a write lock
 * needs it), else read-only (then only read locks are possible, as on @fd itself). Without
 * /proc, a duplicate of @fd: it shares @fd's description, which then lives on (with its locks)
 * after SQLite closes @fd, so it serves as well except for its access mode. */
static int
reopen (int fd)
{
  g_autofree char *proc = g_strdup_printf ("/proc/self/fd/%d", fd);
  int own = open (proc, O_RDWR | O_CLOEXEC | O_NOCTTY);

  if (own < 0 && (errno == EACCES || errno == EROFS))
    own = open (proc, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (own < 0 && errno == ENOENT)
    own = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  return own;
}

/* A cached descriptor whose file was deleted while @st's file is live belongs to an older file
 * that had the same inode number: it must not stand in for this one. */
static gboolean
is_stale (int                fd,
          const struct stat *st)
{
  struct stat cached;

  return fstat (fd, &cached) != 0 || (cached.st_nlink == 0 && st->st_nlink > 0);
}

/* The descriptor that carries every lock of this process on @fd's file, or -1 with errno.
 * Called with lock_fds_mutex held. */
static int
lock_fd_for (int fd)
{
  LockKey key;
  struct stat st;
  gpointer value;
  int own;

  if (fstat (fd, &st) != 0)
    return -1;
  key.dev = st.st_dev;
  key.ino = st.st_ino;

  value = g_hash_table_lookup (lock_fds, &key);
  if (value != NULL && !is_stale (GPOINTER_TO_INT (value) - 1, &st))
    return GPOINTER_TO_INT (value) - 1;
  if (value != NULL)
    close (GPOINTER_TO_INT (value) - 1);

  own = reopen (fd);
  if (own < 0)
    return -1;
  g_hash_table_insert (lock_fds, g_memdup2 (&key, sizeof key), GINT_TO_POINTER (own + 1));
  return own;
}

static int
ofd_command (int cmd)
{
  switch (cmd)
    {
    case F_SETLK:
      return F_OFD_SETLK;
    case F_SETLKW:
      return F_OFD_SETLKW;
    case F_GETLK:
      return F_OFD_GETLK;
    default:
      return 0;
    }
}

static int
lock_fcntl (int           fd,
            int           cmd,
            struct flock *lock)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock_fds_mutex);
  struct flock ofd = *lock;
  int own = lock_fd_for (fd);
  int rc;

  if (own < 0)
    return -1;

  /* A waiting request must not hold the table while it waits. SQLite only waits (F_SETLKW)
   * when built with SQLITE_ENABLE_SETLK_TIMEOUT. */
  if (cmd == F_SETLKW)
    g_clear_pointer (&locker, g_mutex_locker_free);

  /* OFD requests must carry l_pid = 0; F_OFD_GETLK reports a conflicting lock in the struct. */
  ofd.l_pid = 0;
  rc = fcntl (own, ofd_command (cmd), &ofd);
  if (rc == 0 && cmd == F_GETLK)
    *lock = ofd;
  return rc;
}

/* The unix VFS calls fcntl with a struct flock * for the lock commands and an int for every
 * other command it uses (F_GETFD, F_SETFD, F_GETFL, F_SETFL). */
static int
tb_ledger_fcntl (int fd,
                 int cmd,
                 ...)
{
  va_list args;
  int rc;

  va_start (args, cmd);
  if (ofd_command (cmd) != 0)
    rc = lock_fcntl (fd, cmd, va_arg (args, struct flock *));
  else
    rc = fcntl (fd, cmd, va_arg (args, int));
  va_end (args);
  return rc;
}

/* When SQLite itself closes a descriptor of a locked file, POSIX would drop all the process's
 * locks on it, and SQLite counts on that: it defers such a close until the process holds no lock
 * on the file (the last connection's -shm close releases the DMS lock this way). So SQLite's own
 * closes release the OFD locks too, by closing the dedicated descriptor. Closes by any other
 * code do not come through here. */
static int
tb_ledger_close (int fd)
{
  struct stat st;

  if (fstat (fd, &st) == 0)
    {
      g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock_fds_mutex);
      LockKey key = { st.st_dev, st.st_ino };
      gpointer value = g_hash_table_lookup (lock_fds, &key);

      if (value != NULL)
        {
          close (GPOINTER_TO_INT (value) - 1);
          g_hash_table_remove (lock_fds, &key);
        }
    }
  return close (fd);
}

static gboolean
set_system_call (sqlite3_vfs         *vfs,
                 const char          *name,
                 sqlite3_syscall_ptr  call)
{
  return vfs->xSetSystemCall (vfs, name, call) == SQLITE_OK;
}

static gpointer
install_once (gpointer data)
{
  sqlite3_vfs *vfs = sqlite3_vfs_find (NULL);

  lock_fds = g_hash_table_new_full (lock_key_hash, lock_key_equal, g_free, NULL);
  if (vfs == NULL || vfs->iVersion < 3 || vfs->xSetSystemCall == NULL ||
      !set_system_call (vfs, "close", (sqlite3_syscall_ptr) tb_ledger_close) ||
      !set_system_call (vfs, "fcntl", (sqlite3_syscall_ptr) tb_ledger_fcntl))
    {
      g_warning ("SQLite's default VFS does not let Tulbur guard its file locks");
      return GINT_TO_POINTER (FALSE);
    }
  return GINT_TO_POINTER (TRUE);
}

#else

static gpointer
install_once (gpointer data)
{
  /* Without OFD locks (not Linux) SQLite keeps its POSIX locks and their pitfall. */
  return GINT_TO_POINTER (FALSE);
}

#endif

gboolean
_tb_ledger_guard_locks (void)
{
  static GOnce once = G_ONCE_INIT;

  return GPOINTER_TO_INT (g_once (&once, install_once, NULL));
}

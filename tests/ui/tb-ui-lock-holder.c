/* tb-ui-lock-holder.c: another process that holds a ledger's write lock
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: tb-ui-lock-holder DB MARKER
 * Takes the write lock (BEGIN IMMEDIATE), prints "locked", and keeps it until a line (or EOF)
 * arrives on stdin or 5 s pass, whichever is first. Then it rolls back, creates MARKER (so
 * the test can tell, without asking, whether the lock was already released) and exits.
 */

#include "config.h"

#include <poll.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define HOLD_MS 5000

int
main (int   argc,
      char *argv[])
{
  struct pollfd stdin_poll = { .fd = STDIN_FILENO, .events = POLLIN };
  sqlite3 *db = NULL;
  FILE *marker;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s DB MARKER\n", argv[0]);
      return 2;
    }

  if (sqlite3_open_v2 (argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "cannot lock %s: %s\n", argv[1], sqlite3_errmsg (db));
      return 1;
    }

  printf ("locked\n");
  fflush (stdout);

  poll (&stdin_poll, 1, HOLD_MS);

  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  marker = fopen (argv[2], "w");
  if (marker != NULL)
    fclose (marker);
  sqlite3_close (db);

  return 0;
}

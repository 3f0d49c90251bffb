/* main.c: the Tulbur front-desk app
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/resource.h>

#include "tb-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TbApplication) app = NULL;
  struct rlimit no_core = { 0, 0 };

  /* The QPay secret, tokens and decrypted personal data live in this process's memory: no
   * core file, and (on Linux) not dumpable, which also refuses ptrace by the same user. */
  setrlimit (RLIMIT_CORE, &no_core);
#ifdef __linux__
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif

  setlocale (LC_ALL, "");
  /* TULBUR_LOCALEDIR lets an uninstalled build (build-aux/tulbur-dev run) use the catalogues
   * it compiled, so LANGUAGE=mn works before `meson install`. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("TULBUR_LOCALEDIR") != NULL ? g_getenv ("TULBUR_LOCALEDIR")
                                                                           : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Tulbur"));

  app = tb_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}

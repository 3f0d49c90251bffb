/* tulbur-sim.c: run the QPay simulator by hand (or as a child process in tests)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "tb-sim-server.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(TbSimServer) server = NULL;
  g_autoptr(GError) error = NULL;
  int port = 0;
  int latency = 0;
  guint term_id;
  guint int_id;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, N_("Port to listen on (default: any free port)"), N_("PORT") },
    { "latency", 'l', 0, G_OPTION_ARG_INT, &latency, N_("Delay every answer by this many milliseconds"), N_("MS") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Runs the QPay simulator on 127.0.0.1 and prints its address."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (port < 0 || port > 65535 || latency < 0)
    {
      g_printerr ("%s\n", _("The port must be between 0 and 65535 and the latency not negative."));
      return 2;
    }

  loop = g_main_loop_new (NULL, FALSE);
  server = tb_sim_server_new ();
  tb_sim_server_set_latency (server, (guint) latency);
  if (!tb_sim_server_start (server, (guint16) port, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* The first line is the address; scripts and tests read it. */
  printf ("%s\n", tb_sim_server_get_url (server));
  fflush (stdout);

  term_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  int_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (term_id);
  g_source_remove (int_id);

  tb_sim_server_stop (server);
  return 0;
}

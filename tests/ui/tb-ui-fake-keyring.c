/* tb-ui-fake-keyring.c: a Secret Service on the session bus that knows one made-up secret
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: take-screenshots.sh runs it in the screenshot's private D-Bus session so that the
 * app finds a (fake) QPay sandbox secret the way it finds a real one, through libsecret, and
 * shows the configured window without the demo banner. It answers only what a password
 * lookup asks (OpenSession with the "plain" algorithm, SearchItems, Unlock, GetSecrets) and
 * hands every search one item whose secret is argv[1]. It prints "ready" once it owns
 * org.freedesktop.secrets.
 *
 * Usage: tb-ui-fake-keyring SECRET
 */

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#define SERVICE_PATH "/org/freedesktop/secrets"
#define SESSION_PATH "/org/freedesktop/secrets/session/fake"
#define ITEM_PATH    "/org/freedesktop/secrets/collection/fake/1"

static const char introspection[] =
  "<node>"
  "  <interface name='org.freedesktop.Secret.Service'>"
  "    <method name='OpenSession'>"
  "      <arg type='s' direction='in'/><arg type='v' direction='in'/>"
  "      <arg type='v' direction='out'/><arg type='o' direction='out'/>"
  "    </method>"
  "    <method name='SearchItems'>"
  "      <arg type='a{ss}' direction='in'/>"
  "      <arg type='ao' direction='out'/><arg type='ao' direction='out'/>"
  "    </method>"
  "    <method name='Unlock'>"
  "      <arg type='ao' direction='in'/>"
  "      <arg type='ao' direction='out'/><arg type='o' direction='out'/>"
  "    </method>"
  "    <method name='GetSecrets'>"
  "      <arg type='ao' direction='in'/><arg type='o' direction='in'/>"
  "      <arg type='a{o(oayays)}' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static const char *secret;

static GVariant *
secrets_reply (void)
{
  GVariantBuilder builder;
  GVariant *value;

  value = g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, secret, strlen (secret), 1);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{o(oayays)}"));
  g_variant_builder_add (&builder, "{o(o@ay@ays)}", ITEM_PATH, SESSION_PATH,
                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1), value,
                         "text/plain");
  return g_variant_new ("(a{o(oayays)})", &builder);
}

static void
method_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *object_path,
             const char            *interface_name,
             const char            *method_name,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  const char *items[] = { ITEM_PATH, NULL };
  const char *none[] = { NULL };

  if (g_strcmp0 (method_name, "OpenSession") == 0)
    {
      const char *algorithm = NULL;

      g_variant_get (parameters, "(&sv)", &algorithm, NULL);
      if (g_strcmp0 (algorithm, "plain") != 0)
        {
          g_dbus_method_invocation_return_dbus_error (invocation,
                                                      "org.freedesktop.DBus.Error.NotSupported",
                                                      "only plain sessions");
          return;
        }
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(vo)", g_variant_new_string (""),
                                                            SESSION_PATH));
    }
  else if (g_strcmp0 (method_name, "SearchItems") == 0)
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(^ao^ao)", items, none));
  else if (g_strcmp0 (method_name, "Unlock") == 0)
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^aoo)", items, "/"));
  else
    g_dbus_method_invocation_return_value (invocation, secrets_reply ());
}

static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { NULL } };

static void
bus_acquired (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (introspection, NULL);

  g_dbus_connection_register_object (connection, SERVICE_PATH, node->interfaces[0], &vtable,
                                     NULL, NULL, NULL);
}

static void
name_acquired (GDBusConnection *connection,
               const char      *name,
               gpointer         user_data)
{
  g_print ("ready\n");
}

static void
name_lost (GDBusConnection *connection,
           const char      *name,
           gpointer         user_data)
{
  g_printerr ("tb-ui-fake-keyring: cannot own %s\n", name);
  exit (1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  if (argc != 2)
    {
      g_printerr ("usage: %s SECRET\n", argv[0]);
      return 2;
    }
  secret = argv[1];
  g_bus_own_name (G_BUS_TYPE_SESSION, "org.freedesktop.secrets", G_BUS_NAME_OWNER_FLAGS_NONE,
                  bus_acquired, name_acquired, name_lost, NULL, NULL);
  g_main_loop_run (loop);
  return 0;
}

#!/usr/bin/env python3
# check-manifest.py: offline checks of the Flatpak manifest that flatpak-builder does not do.
#
# `flatpak-builder --show-manifest` only parses the manifest: it accepts a misspelt build
# system, an archive without a checksum or an extra sandbox hole. This script pins down what
# Tulbur's manifest must be: the GNOME runtime, exactly the minimal finish-args (docs/decisions.md),
# checksummed sources, libqrencode as a module and the app built last from this tree.
#
# Copyright 2026 The Tulbur authors
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import json
import os
import re
import sys

EXPECTED_FINISH_ARGS = [
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
]

# flatpak-builder 1.2's build systems (builder-module.c); it does not reject others itself.
BUILDSYSTEMS = {'autotools', 'cmake', 'cmake-ninja', 'meson', 'simple', 'qmake'}

SHA256_RE = re.compile(r'^[0-9a-f]{64}$')
COMMIT_RE = re.compile(r'^[0-9a-f]{40}$')


def reject_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f'duplicate key "{key}"')
        obj[key] = value
    return obj


def check_source(module_name, index, source, errors):
    where = f'module "{module_name}" source {index}'
    if not isinstance(source, dict):
        errors.append(f'{where}: must be an object')
        return
    kind = source.get('type')
    if kind in ('archive', 'file'):
        url = source.get('url', '')
        if not url.startswith('https://'):
            errors.append(f'{where}: url must be https, got "{url}"')
        if not SHA256_RE.match(source.get('sha256', '')):
            errors.append(f'{where}: needs a sha256 of 64 lower-case hex digits')
    elif kind == 'git':
        if not source.get('url', '').startswith('https://'):
            errors.append(f'{where}: git url must be https')
        if not COMMIT_RE.match(source.get('commit', '')):
            errors.append(f'{where}: git source needs a full "commit" to be reproducible')
    elif kind == 'dir':
        if not source.get('path'):
            errors.append(f'{where}: dir source needs a path')
    else:
        errors.append(f'{where}: unexpected source type "{kind}"')


def check(manifest_path, app_id, source_root):
    errors = []
    try:
        with open(manifest_path, encoding='utf-8') as f:
            manifest = json.load(f, object_pairs_hook=reject_duplicates)
    except (OSError, ValueError) as e:
        return [f'cannot read {manifest_path}: {e}']

    manifest_id = manifest.get('id', manifest.get('app-id'))
    if manifest_id != app_id:
        errors.append(f'id is "{manifest_id}", expected "{app_id}"')
    if 'id' in manifest and 'app-id' in manifest:
        errors.append('use either "id" or "app-id", not both')
    for key, want in (('runtime', 'org.gnome.Platform'), ('sdk', 'org.gnome.Sdk'),
                      ('command', 'tulbur')):
        if manifest.get(key) != want:
            errors.append(f'{key} is "{manifest.get(key)}", expected "{want}"')
    if not isinstance(manifest.get('runtime-version'), str):
        errors.append('runtime-version must be a string such as "47"')

    finish_args = manifest.get('finish-args')
    if not isinstance(finish_args, list) or sorted(finish_args) != sorted(EXPECTED_FINISH_ARGS) \
       or len(set(finish_args)) != len(finish_args):
        errors.append(f'finish-args must be exactly {EXPECTED_FINISH_ARGS}, got {finish_args}')

    modules = manifest.get('modules')
    if not isinstance(modules, list) or not modules:
        return errors + ['modules must be a non-empty list']

    names = []
    for module in modules:
        if not isinstance(module, dict):
            errors.append('modules are listed inline (objects), not as file names')
            continue
        name = module.get('name', '?')
        names.append(name)
        if module.get('buildsystem', 'autotools') not in BUILDSYSTEMS:
            errors.append(f'module "{name}": unknown buildsystem "{module.get("buildsystem")}"')
        sources = module.get('sources')
        if not isinstance(sources, list) or not sources:
            errors.append(f'module "{name}": needs sources')
            continue
        for i, source in enumerate(sources):
            check_source(name, i, source, errors)

    if 'libqrencode' not in names:
        errors.append('libqrencode must be built as a module (it is not in the GNOME runtime)')

    app = modules[-1] if isinstance(modules[-1], dict) else {}
    if app.get('name') != 'tulbur' or app.get('buildsystem') != 'meson':
        errors.append('the last module must be "tulbur" built with meson')
    dirs = [s for s in app.get('sources', []) if isinstance(s, dict) and s.get('type') == 'dir']
    if len(dirs) != 1:
        errors.append('the app module must build from one local "dir" source')
    else:
        tree = os.path.normpath(os.path.join(os.path.dirname(manifest_path), dirs[0]['path']))
        if os.path.realpath(tree) != os.path.realpath(source_root):
            errors.append(f'the app source dir resolves to {tree}, not the project root')
    if '-Dbuildtype=release' not in app.get('config-opts', []):
        errors.append('the app module must be configured with -Dbuildtype=release')
    return errors


def main():
    parser = argparse.ArgumentParser(description="Check the Flatpak manifest offline.")
    parser.add_argument('manifest')
    parser.add_argument('--app-id', default='io.github.tulbur.Tulbur')
    parser.add_argument('--source-root', required=True)
    args = parser.parse_args()

    errors = check(args.manifest, args.app_id, args.source_root)
    for error in errors:
        print(f'{args.manifest}: {error}', file=sys.stderr)
    if errors:
        return 1
    print(f'{args.manifest}: OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())

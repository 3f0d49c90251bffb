#!/usr/bin/env python3
# check-manifest.py: offline checks of the Flatpak manifest that flatpak-builder does not do.
#
# `flatpak-builder --show-manifest` only parses the manifest: it accepts a misspelt build
# system, an archive without a checksum or an extra sandbox hole. This script pins down what
# Tulbur's two manifests must be: a supported GNOME runtime, exactly the minimal finish-args
# (docs/decisions.md), checksummed sources, libqrencode as a module with a sha256, and the app
# built last with meson. The release manifest (--kind release) builds a pinned git tag or a
# checksummed archive and never the local tree; the development manifest (--kind devel) builds
# this tree as io.github.tulbur.Tulbur.Devel on the same runtime as the release.
#
# Copyright 2026 The Tulbur authors
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import json
import os
import re
import subprocess
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

# The oldest GNOME runtime branch still supported (the Flathub end-of-life notices: 48 ended on
# 2026-03-24, so 49 ends when 51 arrives in the autumn of 2026). Raise it with the manifests.
OLDEST_SUPPORTED_RUNTIME = 51


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


def load(manifest_path):
    with open(manifest_path, encoding='utf-8') as f:
        return json.load(f, object_pairs_hook=reject_duplicates)


def check_runtime(manifest, errors):
    for key, want in (('runtime', 'org.gnome.Platform'), ('sdk', 'org.gnome.Sdk'),
                      ('command', 'tulbur')):
        if manifest.get(key) != want:
            errors.append(f'{key} is "{manifest.get(key)}", expected "{want}"')
    version = manifest.get('runtime-version')
    if not isinstance(version, str):
        errors.append('runtime-version must be a string such as "51"')
    elif not version.isdigit() or int(version) < OLDEST_SUPPORTED_RUNTIME:
        errors.append(f'runtime-version "{version}" is not a supported GNOME runtime '
                      f'(>= {OLDEST_SUPPORTED_RUNTIME})')


def check_modules(modules, errors):
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
        if '-Dwerror=true' in module.get('config-opts', []):
            errors.append(f'module "{name}": -Dwerror=true would let a newer runtime\'s '
                          'new warnings break the build (flatpak/README.md)')

    qrencode = [m for m in modules if isinstance(m, dict) and m.get('name') == 'libqrencode']
    if not qrencode:
        errors.append('libqrencode must be built as a module (it is not in the GNOME runtime)')
    elif not all(isinstance(s, dict) and s.get('type') == 'archive'
                 and SHA256_RE.match(s.get('sha256', ''))
                 for s in qrencode[0].get('sources', [])):
        errors.append('libqrencode must build from an archive pinned by its sha256')


def git(source_root, *args):
    try:
        return subprocess.run(['git', '-C', source_root, *args], capture_output=True,
                              text=True, check=False).stdout.strip()
    except OSError:
        return ''


def check_git_pin(source, source_root, errors):
    """Where this tree is a git checkout, the pinned commit must be one of its commits and a
    tag that exists here must point at it. A tarball or shallow clone skips what it cannot see."""
    if git(source_root, 'rev-parse', '--is-inside-work-tree') != 'true':
        return
    commit = source.get('commit', '')
    if git(source_root, 'cat-file', '-t', commit) != 'commit' and \
       git(source_root, 'rev-parse', '--is-shallow-repository') == 'false':
        errors.append(f'the pinned commit {commit} is not a commit of this repository')
    tag = source.get('tag')
    if tag:
        tagged = git(source_root, 'rev-parse', '--verify', '--quiet', f'refs/tags/{tag}^{{commit}}')
        if tagged and tagged != commit:
            errors.append(f'tag {tag} is {tagged} here, but the manifest pins {commit}')


def check_release_app(app, source_root, errors):
    sources = [s for s in app.get('sources', []) if isinstance(s, dict)]
    pinned = [s for s in sources if s.get('type') in ('git', 'archive')]
    if len(sources) != 1 or len(pinned) != 1:
        errors.append('the release app module must build from exactly one git tag or archive')
        return
    source = pinned[0]
    if source['type'] == 'git':
        if not source.get('tag'):
            errors.append('the release git source must name the release "tag"')
        if 'branch' in source:
            errors.append('the release git source must not follow a branch')
        check_git_pin(source, source_root, errors)
    if '-Dbuildtype=release' not in app.get('config-opts', []):
        errors.append('the app module must be configured with -Dbuildtype=release')
    if '-Ddevelopment=true' in app.get('config-opts', []):
        errors.append('the release must not be the development flavour')


def check_devel_app(app, manifest_path, source_root, errors):
    dirs = [s for s in app.get('sources', []) if isinstance(s, dict) and s.get('type') == 'dir']
    if len(dirs) != 1 or len(app.get('sources', [])) != 1:
        errors.append('the development app module must build from one local "dir" source')
    else:
        tree = os.path.normpath(os.path.join(os.path.dirname(manifest_path), dirs[0]['path']))
        if os.path.realpath(tree) != os.path.realpath(source_root):
            errors.append(f'the app source dir resolves to {tree}, not the project root')
    if '-Ddevelopment=true' not in app.get('config-opts', []):
        errors.append('the development app module must be configured with -Ddevelopment=true')


def check(manifest_path, kind, app_id, source_root, release_path=None):
    errors = []
    try:
        manifest = load(manifest_path)
    except (OSError, ValueError) as e:
        return [f'cannot read {manifest_path}: {e}']

    manifest_id = manifest.get('id', manifest.get('app-id'))
    if manifest_id != app_id:
        errors.append(f'id is "{manifest_id}", expected "{app_id}"')
    if 'id' in manifest and 'app-id' in manifest:
        errors.append('use either "id" or "app-id", not both')
    check_runtime(manifest, errors)

    finish_args = manifest.get('finish-args')
    if not isinstance(finish_args, list) or sorted(finish_args) != sorted(EXPECTED_FINISH_ARGS) \
       or len(set(finish_args)) != len(finish_args):
        errors.append(f'finish-args must be exactly {EXPECTED_FINISH_ARGS}, got {finish_args}')

    modules = manifest.get('modules')
    if not isinstance(modules, list) or not modules:
        return errors + ['modules must be a non-empty list']
    check_modules(modules, errors)

    app = modules[-1] if isinstance(modules[-1], dict) else {}
    if app.get('name') != 'tulbur' or app.get('buildsystem') != 'meson':
        errors.append('the last module must be "tulbur" built with meson')
    if kind == 'release':
        for module in modules:
            if isinstance(module, dict) and any(isinstance(s, dict) and s.get('type') == 'dir'
                                                for s in module.get('sources', [])):
                errors.append(f'module "{module.get("name")}": a release never builds a "dir"')
        check_release_app(app, source_root, errors)
    else:
        check_devel_app(app, manifest_path, source_root, errors)
        if release_path:
            try:
                release = load(release_path)
            except (OSError, ValueError) as e:
                return errors + [f'cannot read {release_path}: {e}']
            if manifest.get('runtime-version') != release.get('runtime-version'):
                errors.append('the development manifest must use the release\'s runtime-version')
    return errors


def main():
    parser = argparse.ArgumentParser(description="Check a Flatpak manifest offline.")
    parser.add_argument('manifest')
    parser.add_argument('--kind', choices=('release', 'devel'), default='release')
    parser.add_argument('--app-id')
    parser.add_argument('--source-root', required=True)
    parser.add_argument('--release-manifest',
                        help='for --kind devel: the release manifest whose runtime it must share')
    args = parser.parse_args()
    app_id = args.app_id or ('io.github.tulbur.Tulbur' if args.kind == 'release'
                             else 'io.github.tulbur.Tulbur.Devel')

    errors = check(args.manifest, args.kind, app_id, args.source_root, args.release_manifest)
    for error in errors:
        print(f'{args.manifest}: {error}', file=sys.stderr)
    if errors:
        return 1
    print(f'{args.manifest}: OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())

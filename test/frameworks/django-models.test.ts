import { describe, expect, it } from 'vitest';
import { loadParsers } from '../../src/engine/lint-text.js';
import { DEFAULT_SETTINGS } from '../../src/engine/lint.js';
import { memoryFileSystem, type FileSystem } from '../../src/fs.js';
import { djangoUserModel } from '../../src/frameworks/django/settings.js';
import { adapterFor } from '../../src/sources/index.js';

await loadParsers();

/**
 * settings.AUTH_USER_MODEL: the model a migration's `settings.AUTH_USER_MODEL` names comes from the project's settings
 * (the module manage.py names). A shop laid out like saleor: its own copy of django.contrib.auth's migrations (with
 * auth.User, `'swappable': 'AUTH_USER_MODEL'`), an `account` app whose User replaces it, and an app whose foreign key
 * names the setting.
 */
const MANAGE = `#!/usr/bin/env python3
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
`;

const SETTINGS = `import os

import dj_database_url

DEBUG = os.environ.get("DEBUG", "False") == "True"

DATABASES = {"default": dj_database_url.config(default="postgres://shop:shop@localhost:5432/shop")}

AUTH_USER_MODEL = "account.User"

MIGRATION_MODULES = {"auth": "shop.auth.migrations"}
`;

const AUTH_INITIAL = `from django.contrib.auth import validators
from django.db import migrations, models
from django.utils import timezone


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "__first__"),
    ]

    operations = [
        migrations.CreateModel(
            name="Group",
            fields=[
                ("id", models.AutoField(verbose_name="ID", serialize=False, auto_created=True, primary_key=True)),
                ("name", models.CharField(unique=True, max_length=80, verbose_name="name")),
            ],
            options={"verbose_name": "group", "verbose_name_plural": "groups"},
        ),
        migrations.CreateModel(
            name="User",
            fields=[
                ("id", models.AutoField(verbose_name="ID", serialize=False, auto_created=True, primary_key=True)),
                ("password", models.CharField(max_length=128, verbose_name="password")),
                ("last_login", models.DateTimeField(default=timezone.now, verbose_name="last login")),
                ("username", models.CharField(unique=True, max_length=30, validators=[validators.UnicodeUsernameValidator()])),
                ("email", models.EmailField(max_length=75, verbose_name="email address", blank=True)),
            ],
            options={
                "swappable": "AUTH_USER_MODEL",
                "verbose_name": "user",
                "verbose_name_plural": "users",
            },
        ),
    ]
`;

const ACCOUNT_INITIAL = `from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="User",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("password", models.CharField(max_length=128, verbose_name="password")),
                ("email", models.EmailField(max_length=254, unique=True)),
                ("is_staff", models.BooleanField(default=False)),
            ],
            options={"abstract": False},
        ),
    ]
`;

const ORDER_CUSTOMER = `import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("order", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="orders",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
`;

const ORDER_INITIAL = `from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
`;

const MIGRATIONS: Array<[string, string]> = [
  ['shop/auth/migrations/0001_initial.py', AUTH_INITIAL],
  ['shop/order/migrations/0001_initial.py', ORDER_INITIAL],
  ['shop/account/migrations/0001_initial.py', ACCOUNT_INITIAL],
  ['shop/order/migrations/0002_order_user.py', ORDER_CUSTOMER],
];

/** Each migration's SQL, in order, each extracted over the state the ones before it left. */
function replay(fs: FileSystem, migrations = MIGRATIONS): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let state: unknown;
  for (const [file, text] of migrations) {
    const unit = adapterFor('django').extract({ path: file, text, bom: false }, { settings: DEFAULT_SETTINGS, warn: () => undefined, fs, state });
    out.set(
      file,
      unit.items.map((i) => (i.kind === 'operation' ? i.sql : i.text)).flatMap((s) => s.split(';\n')),
    );
    state = unit.state;
  }
  return out;
}

const project = (settings?: string): Record<string, string> => ({
  'manage.py': MANAGE,
  ...(settings === undefined ? {} : { 'shop/settings.py': settings }),
  ...Object.fromEntries(MIGRATIONS),
});

describe('Django: settings.AUTH_USER_MODEL', () => {
  it("is read from the settings module manage.py names; the swapped-out auth.User gets no table, and foreign keys reference the project's", () => {
    const fs = memoryFileSystem(project(SETTINGS));
    expect(djangoUserModel('shop/order/migrations/0002_order_user.py', fs)).toEqual({
      key: 'account.user',
      file: expect.stringMatching(/shop\/settings\.py$/),
    });
    const sql = replay(fs);
    expect(sql.get('shop/auth/migrations/0001_initial.py')!.filter((s) => s.startsWith('CREATE TABLE'))).toEqual([
      'CREATE TABLE "auth_group" ("id" integer NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "name" varchar(80) NOT NULL UNIQUE)',
    ]);
    expect(sql.get('shop/order/migrations/0002_order_user.py')!.join(';\n')).toContain('REFERENCES "account_user" ("id")');
    expect(sql.get('shop/order/migrations/0002_order_user.py')!.join(';\n')).not.toContain('auth_user');
  });

  it('settings split over modules: a star-imported module sets it', () => {
    const fs = memoryFileSystem({
      'manage.py': MANAGE.replace('"shop.settings"', '"shop.settings.production"'),
      'shop/settings/__init__.py': '',
      'shop/settings/production.py': 'from .base import *  # noqa: F403\n\nDEBUG = False\n',
      'shop/settings/base.py': 'INSTALLED_APPS = ["shop.account"]\nAUTH_USER_MODEL = "account.User"\n',
    });
    expect(djangoUserModel('shop/order/migrations/0002_order_user.py', fs)?.key).toBe('account.user');
    // The same settings module over an imported module that says otherwise: the imported module is read again.
    const other = memoryFileSystem({
      'manage.py': MANAGE.replace('"shop.settings"', '"shop.settings.production"'),
      'shop/settings/__init__.py': '',
      'shop/settings/production.py': 'from .base import *  # noqa: F403\n\nDEBUG = False\n',
      'shop/settings/base.py': 'INSTALLED_APPS = ["shop.member"]\nAUTH_USER_MODEL = "member.Member"\n',
    });
    expect(djangoUserModel('shop/order/migrations/0002_order_user.py', other)?.key).toBe('member.member');
    expect(djangoUserModel('shop/order/migrations/0002_order_user.py', fs)?.key).toBe('account.user');
    // manage.py naming another settings module, for the same migration's folder: that module is read.
    const staging = memoryFileSystem({
      'manage.py': MANAGE.replace('"shop.settings"', '"shop.settings.staging"'),
      'shop/settings/__init__.py': '',
      'shop/settings/staging.py': 'AUTH_USER_MODEL = "staff.Member"\n',
    });
    expect(djangoUserModel('shop/order/migrations/0002_order_user.py', staging)).toEqual({
      key: 'staff.member',
      file: expect.stringMatching(/shop\/settings\/staging\.py$/),
    });
  });

  it('class-based settings (a module the settings import a class from): its attribute counts; a module it imports that is missing makes it unknown', () => {
    const files = {
      'manage.py': MANAGE.replace('"shop.settings"', '"shop.settings.docker_compose"'),
      'shop/settings/__init__.py': '',
      'shop/settings/docker_compose.py':
        'import os\n\nfrom .base import CommunityBaseSettings\n\n\nclass DockerBaseSettings(CommunityBaseSettings):\n    DEBUG = True\n',
      'shop/settings/base.py': 'from django.conf import global_settings\n\n\nclass CommunityBaseSettings:\n    AUTH_USER_MODEL = "account.User"\n',
    };
    expect(djangoUserModel('shop/order/migrations/0002_order_user.py', memoryFileSystem(files))?.key).toBe('account.user');
    const { 'shop/settings/base.py': _base, ...missing } = files;
    expect(djangoUserModel('shop/order/migrations/0002_order_user.py', memoryFileSystem(missing))).toBeUndefined();
  });

  it("settings read whole without it: Django's default auth.User, which then has its table", () => {
    const fs = memoryFileSystem(project(SETTINGS.replace('AUTH_USER_MODEL = "account.User"\n', '')));
    expect(djangoUserModel('shop/order/migrations/0002_order_user.py', fs)?.key).toBe('auth.user');
    const sql = replay(fs);
    expect(sql.get('shop/auth/migrations/0001_initial.py')!.some((s) => s.startsWith('CREATE TABLE "auth_user"'))).toBe(true);
    expect(sql.get('shop/order/migrations/0002_order_user.py')!.join(';\n')).toContain('REFERENCES "auth_user" ("id")');
  });

  it('set in a way migralint does not evaluate, or no settings at all: unknown, and the one User model that is not swappable stands for it', () => {
    const computed = memoryFileSystem(project(SETTINGS.replace('"account.User"', 'os.environ.get("AUTH_USER_MODEL", "account.User")')));
    expect(djangoUserModel('shop/order/migrations/0002_order_user.py', computed)).toBeUndefined();
    for (const fs of [computed, memoryFileSystem(project())]) {
      const sql = replay(fs);
      // auth.User is not dropped on a guess: its CREATE TABLE stays.
      expect(sql.get('shop/auth/migrations/0001_initial.py')!.some((s) => s.startsWith('CREATE TABLE "auth_user"'))).toBe(true);
      expect(sql.get('shop/order/migrations/0002_order_user.py')!.join(';\n')).toContain('REFERENCES "account_user" ("id")');
    }
  });
});

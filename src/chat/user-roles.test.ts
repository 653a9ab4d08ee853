import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelConfig } from '../core/chat-directory.js';
import { isSwitchRole, needsOwnRoleMessage, switchRoleMessage, userRoleUrl } from './user-roles.js';

const config = (accountId: string, name: string, required = true): ChannelConfig => ({
  accountId, configurationArn: `arn:aws:chatbot::${accountId}:chat-configuration/slack-channel/${name}`, configurationName: name,
  teamId: 'T1', channelId: 'C1', iamRoleArn: `arn:aws:iam::${accountId}:role/chan`, guardrailPolicyArns: [], userAuthorizationRequired: required, loggingLevel: 'ERROR',
});

test('switch-role is recognised with any of the bot\'s names, and only alone', () => {
  assert.equal(isSwitchRole('<@U0BOT> switch-role'), true);
  assert.equal(isSwitchRole('@aws switch-role '), true);
  assert.equal(isSwitchRole('@Amazon Q switch-role'), true);
  assert.equal(isSwitchRole('@aws switch-role now'), false);
  assert.equal(isSwitchRole('@aws sts get-caller-identity'), false);
});

test('the link names the configuration, encoded, under the console', () => {
  assert.equal(userRoleUrl('https://ct.example/', config('111111111111', 'ops')),
    'https://ct.example/console/chat/user-role?configuration=arn%3Aaws%3Achatbot%3A%3A111111111111%3Achat-configuration%2Fslack-channel%2Fops');
});

test('a member without a role gets one "Let\'s get started" button, and the text says only they can map it', () => {
  const m = needsOwnRoleMessage('https://ct.example', config('111111111111', 'ops'), 'U1');
  assert.match(m.text, /link their own IAM role/);
  assert.match(m.text, /an administrator can only unmap it/);
  const buttons = JSON.stringify(m.blocks).match(/"url":/g) ?? [];
  assert.equal(buttons.length, 1);
});

test('switch-role lists each account with the member\'s role, or what runs without one', () => {
  const m = switchRoleMessage('https://ct.example', [config('111111111111', 'a'), config('222222222222', 'b', false)], 'U1',
    ['arn:aws:iam::111111111111:role/mine', undefined]);
  assert.match(m.text, /Account 111111111111 \(configuration a\): your user role is `role\/mine`/);
  assert.match(m.text, /Account 222222222222 \(configuration b\): you have no user role: commands use the channel role `role\/chan`/);
  assert.equal((JSON.stringify(m.blocks).match(/"url":/g) ?? []).length, 2);
});

// Signing in and creating an account (which then signs in).

import { describeError, type Api } from '../api';
import { h, replace } from '../dom';
import type { View } from './view';

export function signInView(api: Api, mode: 'sign-in' | 'register', signedIn: () => void): View {
  const registering = mode === 'register';
  const error = h('p', { class: 'form-error', role: 'alert' });
  const email = h('input', { id: 'email', name: 'email', type: 'email', required: true, autocomplete: 'username', spellcheck: 'false' });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    required: true,
    minlength: registering ? 8 : null,
    autocomplete: registering ? 'new-password' : 'current-password',
    'aria-describedby': registering ? 'password-hint' : null,
  });
  const name = h('input', { id: 'name', name: 'name', type: 'text', autocomplete: 'name' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, registering ? 'Create account' : 'Sign in');

  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'email' }, 'Email'), email),
    registering && h('div', { class: 'field' }, h('label', { for: 'name' }, 'Name ', h('span', { class: 'optional' }, '(optional)')), name),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'password' }, 'Password'),
      password,
      registering && h('p', { id: 'password-hint', class: 'hint' }, 'At least 8 characters.'),
    ),
    error,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    replace(error);
    password.removeAttribute('aria-invalid');
    if (!email.value.trim() || !password.value) {
      replace(error, 'Enter your email and password.');
      return;
    }
    if (registering && password.value.length < 8) {
      replace(error, 'The password needs at least 8 characters.');
      password.setAttribute('aria-invalid', 'true');
      password.focus();
      return;
    }
    submit.disabled = true;
    const work = registering
      ? api.register(email.value.trim(), password.value, name.value.trim()).then(() => api.signIn(email.value.trim(), password.value))
      : api.signIn(email.value.trim(), password.value);
    work.then(signedIn, (failure: unknown) => {
      submit.disabled = false;
      replace(error, describeError(failure));
    });
  });

  const element = h(
    'main',
    { id: 'main', class: 'sign-in', tabindex: -1 },
    h(
      'div',
      { class: 'card sign-in-card' },
      h('p', { class: 'brand' }, 'agentd'),
      h('h1', { tabindex: -1 }, registering ? 'Create an account' : 'Sign in'),
      form,
      h(
        'p',
        { class: 'switch' },
        registering ? 'Have an account? ' : 'New here? ',
        h('a', { href: registering ? '#/sign-in' : '#/register' }, registering ? 'Sign in' : 'Create an account'),
      ),
    ),
  );
  return { element, title: registering ? 'Create an account' : 'Sign in' };
}

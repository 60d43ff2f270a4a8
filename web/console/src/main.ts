// The agentd web console, served by agentd at /console/ and using only its public HTTP API.

import './styles.css';
import { App } from './app';

const root = document.getElementById('app');
if (root) void new App(root).start();

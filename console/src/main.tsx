// The console's entry point: mounts the app into the page Gust serves at /console.
import { render } from 'preact';
import { App } from './app';
import './styles.css';

render(<App />, document.getElementById('app')!);

import { render } from "preact";
import { App } from "./app.tsx";
import "./styles/base.css";
import "./styles/views.css";
import "./styles/detail.css";

const root = document.getElementById("app");
if (root) {
  root.textContent = "";
  render(<App />, root);
}

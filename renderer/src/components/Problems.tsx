/** What stops a form from going ahead, one line each, announced as they appear. */
export function Problems(props: { list: string[]; attr?: `data-${string}` }) {
  if (props.list.length === 0) return null;
  return (
    <ul className="field-error" role="alert" {...(props.attr ? { [props.attr]: true } : {})}>
      {props.list.map((p) => (
        <li key={p}>{p}</li>
      ))}
    </ul>
  );
}

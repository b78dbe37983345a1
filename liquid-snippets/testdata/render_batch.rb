#!/usr/bin/env ruby
# Renders Liquid files with Shopify's reference engine (Debian ruby-liquid 5.4), for the Go tests
# of liquid-snippets/ and extensions/leadtime-theme/. Ruby starts once per batch: it reads a JSON
# array of cases on stdin and writes a JSON array of results on stdout, in the same order.
#
#   case:   {"name", "file" (a .liquid path), "vars" (the objects, shaped like Shopify's),
#            "snippets" (dir for {% render %}, optional), "locale" (a locales/*.json file for
#            the t filter, optional), "now" (RFC 3339: the shop's clock), "timezone" (IANA)}
#   result: {"name", "output", "errors"}
#
# Strict, as Shopify's own checks are: strict parsing, strict variables, strict filters. Only
# what plain Liquid lacks is stubbed, as little as possible:
#   - tags schema, doc, javascript, stylesheet (render nothing) and style;
#   - filters t (the extension's locale file; "translation missing: KEY" as Shopify prints it),
#     asset_url, stylesheet_tag, json (HTML-safe, as Shopify's), and date, whose "now" is the
#     case's clock;
#   - the data Shopify answers with nil rather than an error: a metafield that is not set (its
#     .value is nil), a key missing from a json metafield's value, or an attribute not set.
#     Everything else a template reads must exist in the case's objects.
require 'json'
require 'time'
require 'cgi'
begin
  require 'liquid'
rescue LoadError => e
  warn "ruby-liquid is missing (#{e.message}): install it with scripts/install-deps.sh"
  exit 3
end

# --- Shopify-only tags -------------------------------------------------------------------------
class SilentRawTag < Liquid::Raw # {% schema %}, {% doc %}, {% javascript %}, {% stylesheet %}
  def render_to_output_buffer(_context, output) = output
end
class StyleTag < Liquid::Block # {% style %}: a <style> element whose Liquid is rendered
  def render_to_output_buffer(context, output)
    output << '<style data-shopify>'
    super
    output << '</style>'
  end
end
%w[schema doc javascript stylesheet].each { |t| Liquid::Template.register_tag(t, SilentRawTag) }
Liquid::Template.register_tag('style', StyleTag)

# --- Shopify's data: nil where Shopify answers nil ------------------------------------------------
# A metafield that is set: {{ m.value }}, and {{ m }} prints its value.
class MetafieldDrop < Liquid::Drop
  def initialize(value) = (@value = LenientDrop.wrap(value))
  def value = @value
  def to_liquid_value = @value
  def to_s = @value.to_s
end

# A metafield that is not set: nil, and so is its value.
class UnsetMetafieldDrop < Liquid::Drop
  def value = nil
  def to_liquid_value = nil
  def to_s = ''
end

# product.metafields.NAMESPACE.KEY
class MetafieldsDrop < Liquid::Drop
  def initialize(namespaces) = (@namespaces = namespaces || {})
  def liquid_method_missing(namespace) = NamespaceDrop.new(@namespaces[namespace] || {})
end

class NamespaceDrop < Liquid::Drop
  def initialize(fields) = (@fields = fields)
  def liquid_method_missing(key)
    f = @fields[key]
    f.is_a?(Hash) && f.key?('value') ? MetafieldDrop.new(f['value']) : UnsetMetafieldDrop.new
  end
end

# A json metafield's value, and attributes: a key that is not there is nil.
class LenientDrop < Liquid::Drop
  def self.wrap(v)
    case v
    when Hash then new(v)
    when Array then v.map { |x| wrap(x) }
    else v
    end
  end

  def initialize(hash) = (@hash = hash)
  def liquid_method_missing(key) = LenientDrop.wrap(@hash[key])
  def to_liquid_value = self
  def size = @hash.size
  def to_s = JSON.generate(@hash)
  def each(&) = @hash.each(&)
end

def shopify_objects(v, key = nil)
  case v
  when Hash
    return MetafieldsDrop.new(v) if key == 'metafields'
    return LenientDrop.new(v) if key == 'attributes'

    v.to_h { |k, x| [k, shopify_objects(x, k)] }
  when Array then v.map { |x| shopify_objects(x) }
  else v
  end
end

# {% render 'name' %}: Shopify's snippet names may have hyphens, which LocalFileSystem refuses.
class SnippetFileSystem
  def initialize(dir) = (@dir = dir)

  def read_template_file(name)
    raise Liquid::FileSystemError, "Illegal snippet name '#{name}'" unless name.to_s.match?(/\A[a-z0-9_-]+\z/)

    path = File.join(@dir, "#{name}.liquid")
    raise Liquid::FileSystemError, "No such snippet '#{name}'" unless File.file?(path)

    File.read(path)
  end
end

# --- Shopify-only filters (stand-ins) ----------------------------------------------------------
module ShopifyFilters
  def t(key)
    dict = @context.registers[:locale] || {}
    val = key.to_s.split('.').reduce(dict) { |h, k| h.is_a?(Hash) ? h[k] : nil }
    val.is_a?(String) ? val : "translation missing: #{key}"
  end

  def asset_url(name) = "/cdn/shop/extensions/leadtime/assets/#{name}"

  def stylesheet_tag(url) = %(<link href="#{CGI.escapeHTML(url.to_s)}" rel="stylesheet" type="text/css" media="all" />)

  # Shopify's json is HTML-safe: no "</script>" can end the script element it is written in.
  def json(obj)
    obj = obj.to_liquid_value if obj.respond_to?(:to_liquid_value)
    JSON.generate(obj, quirks_mode: true)
        .gsub('<', '\u003c').gsub('>', '\u003e').gsub('&', '\u0026')
        .gsub("\u2028", '\u2028').gsub("\u2029", '\u2029')
  end

  # Shopify's date: "now" and "today" are the shop's clock; ISO 8601 strings are read in the
  # shop's time zone.
  def date(input, format = nil)
    return input if format.to_s.empty?

    now = @context.registers[:now]
    t = case input
        when 'now', 'today' then now
        else Liquid::Utils.to_date(input)
        end
    t ? t.strftime(format.to_s) : input
  end
end
Liquid::Template.register_filter(ShopifyFilters)

# --- the batch -----------------------------------------------------------------------------------
cases = JSON.parse($stdin.read)
locales = Hash.new { |h, path| h[path] = JSON.parse(File.read(path)) }
results = cases.map do |c|
  ENV['TZ'] = c['timezone'] || 'UTC'
  source = File.read(c.fetch('file'))
  template = Liquid::Template.parse(source, error_mode: :strict, line_numbers: true)
  template.registers[:file_system] = SnippetFileSystem.new(c['snippets']) if c['snippets']
  template.registers[:locale] = locales[c['locale']] if c['locale']
  template.registers[:now] = Time.parse(c['now'] || '2026-11-28T09:15:00+01:00').localtime
  output = template.render(shopify_objects(c['vars'] || {}), strict_variables: true, strict_filters: true)
  { 'name' => c['name'], 'output' => output, 'errors' => template.errors.map { |e| "#{e.class}: #{e.message}" } }
rescue Liquid::Error, StandardError => e
  { 'name' => c['name'], 'output' => nil, 'errors' => ["#{e.class}: #{e.message}"] }
end
$stdout.write(JSON.generate(results))
